import { createClient } from '@connectrpc/connect';
import type { IdentitySigner } from '@switchboard/core';
import { createRpcTransport, rpcFailure } from '@switchboard/rpc';
import { ChatsService, ForgetSignalling } from '@switchboard/rpc/chats/v1';
import type { Call } from './generated/prisma/client.ts';

/**
 * Every signal of a call is appended to the inbox of each device it is for, in chats' store
 * (docs/devices-and-inbox.md, ChatsService.AppendCallSignals), inside the transaction that moves
 * the call: the call changes only if the entries are stored, and a device that subscribes later
 * (a callee's app woken by the push) still gets what it is owed. `callEvents` (live pub/sub on
 * `calls:<user>`) goes on as before, beside it.
 */

export type CallSignalKind = 'INCOMING' | 'ANSWERED' | 'ANSWERED_ELSEWHERE' | 'ICE_CANDIDATE' | 'ENDED';

/** One signal for some devices of one user: all of them unless `deviceIds` or `exceptDeviceIds` say. */
export interface SignalDelivery {
  userId: string;
  deviceIds?: string[];
  exceptDeviceIds?: string[];
  kind: CallSignalKind;
  sdp?: string;
  candidate?: string;
}

export interface CallInbox {
  /**
   * Appends the deliveries, in order, to the inboxes of their devices; then `forget` says what
   * the call's stored entries stop carrying (`offer`: INCOMING's SDP, once answered; `all`: every
   * SDP and candidate, once ended). Chats unreachable or slow: SERVICE_UNAVAILABLE (retryable).
   */
  append(
    call: Pick<Call, 'id' | 'chatId'>,
    deliveries: SignalDelivery[],
    forget?: 'offer' | 'all',
  ): Promise<void>;
}

/** A call the client waits on: short (as users' calls to chats). */
const SYNC_CALL_TIMEOUT_MS = 2_000;

const FORGET = { offer: ForgetSignalling.OFFER, all: ForgetSignalling.ALL } as const;

export function callInbox(options: { url: string | (() => string); signer: IdentitySigner }): CallInbox {
  const chats = createClient(
    ChatsService,
    createRpcTransport({
      baseUrl: options.url,
      audience: 'chats',
      signer: options.signer,
      defaultTimeoutMs: SYNC_CALL_TIMEOUT_MS,
    }),
  );
  return {
    async append(call, deliveries, forget) {
      try {
        await chats.appendCallSignals({
          callId: call.id,
          chatId: call.chatId,
          deliveries: deliveries.map((delivery) => ({
            userId: delivery.userId,
            deviceIds: delivery.deviceIds ?? [],
            exceptDeviceIds: delivery.exceptDeviceIds ?? [],
            kind: delivery.kind,
            ...(delivery.sdp === undefined ? {} : { sdp: delivery.sdp }),
            ...(delivery.candidate === undefined ? {} : { candidate: delivery.candidate }),
          })),
          forget: forget ? FORGET[forget] : ForgetSignalling.UNSPECIFIED,
        });
      } catch (error) {
        throw rpcFailure('chats', error);
      }
    },
  };
}

/** ENDED for every device of both sides (the one that ended it too: its other devices stop ringing). */
export const endedDeliveries = (call: Pick<Call, 'callerId' | 'calleeId'>): SignalDelivery[] => [
  { userId: call.callerId, kind: 'ENDED' },
  { userId: call.calleeId, kind: 'ENDED' },
];
