import { createClient } from '@connectrpc/connect';
import type { IdentitySigner } from '@switchboard/core';
import { createRpcTransport } from '@switchboard/rpc';
import { ChatsService } from '@switchboard/rpc/chats/v1';

/** A device owed a push, as chats answers it (the newest message it is owed is what is shown). */
export interface OwedPush {
  deviceId: string;
  userId: string;
  /** The device's head: a claim covers its entries up to here. */
  pos: number;
  /** When its oldest owed entry was written (ms since the epoch). */
  sinceMs: number;
  messages: number;
  chatId: string;
  chatTitle: string | null;
  messageId: string;
  seq: number;
  senderId: string;
}

export interface PushClaim {
  deviceId: string;
  pos: number;
}

export interface OwedPushQuery {
  /** Only these devices; omitted: any device, oldest owed first. */
  deviceIds?: readonly string[];
  /** Only devices whose oldest owed entry is at least this old. */
  minAgeMs: number;
  limit: number;
  /** Resume after this device of the previous page. */
  after?: OwedPush;
}

/**
 * What chats keeps of each device's pushes (ChatsService.OwedPushes, ClaimPushes, SettlePushes):
 * the inbox is the store of record, so what a device is owed is read there, never from a queue.
 */
export interface ChatsPushes {
  owed(query: OwedPushQuery): Promise<OwedPush[]>;
  /** Claims each device's push up to its pos; answers the claims this caller holds. */
  claim(claims: readonly PushClaim[]): Promise<PushClaim[]>;
  /** `sent`: never again; `released`: refused for sure, owed again at once. */
  settle(sent: readonly PushClaim[], released: readonly PushClaim[]): Promise<void>;
}

/** At most this many devices per OwedPushes call (chats' bound). */
export const MAX_OWED_PAGE = 1000;

export function chatsPushes(options: {
  url: string | (() => string);
  signer: IdentitySigner;
  /** An unconfirmed claim older than this is owed again. */
  leaseMs: number;
}): ChatsPushes {
  const chats = createClient(
    ChatsService,
    createRpcTransport({ baseUrl: options.url, audience: 'chats', signer: options.signer }),
  );
  const leaseMs = options.leaseMs;
  return {
    async owed({ deviceIds, minAgeMs, limit, after }) {
      const { devices } = await chats.owedPushes({
        deviceIds: deviceIds ? [...deviceIds] : [],
        minAgeMs,
        limit,
        leaseMs,
        ...(after ? { after: { sinceMs: BigInt(after.sinceMs), deviceId: after.deviceId } } : {}),
      });
      return devices.map((owed) => ({
        deviceId: owed.deviceId,
        userId: owed.userId,
        pos: owed.pos,
        sinceMs: Number(owed.sinceMs),
        messages: owed.messages,
        chatId: owed.chatId,
        chatTitle: owed.chatTitle ?? null,
        messageId: owed.messageId,
        seq: owed.seq,
        senderId: owed.senderId,
      }));
    },
    async claim(claims) {
      if (claims.length === 0) return [];
      const { claimed } = await chats.claimPushes({ claims: [...claims], leaseMs });
      return claimed.map(({ deviceId, pos }) => ({ deviceId, pos }));
    },
    async settle(sent, released) {
      if (sent.length === 0 && released.length === 0) return;
      await chats.settlePushes({ sent: [...sent], released: [...released] });
    },
  };
}
