import { randomUUID } from 'node:crypto';
import { pgAdapter } from '@switchboard/db';
import type { RunningGateway } from '@switchboard/gateway';
import { PrismaClient as CallsDb } from '../../subgraphs/calls/src/generated/prisma/client.ts';
import type { signUp } from './client.ts';
import { subscribe, wsClient, type Subscription } from './subscriptions.ts';
import { waitFor } from './wait.ts';

export type User = Awaited<ReturnType<typeof signUp>>;

export interface CallFields {
  id: string;
  video: boolean;
  state: 'RINGING' | 'ACTIVE' | 'ENDED';
  endReason: string | null;
  startedAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  chat: { id: string };
  caller: { id: string; displayName: string };
  callee: { id: string; displayName: string };
}

export interface CallEvent {
  kind: 'INCOMING' | 'ANSWERED' | 'ICE_CANDIDATE' | 'ENDED';
  sdp: string | null;
  candidate: string | null;
  call: CallFields;
}

export const openCallsDb = (databaseUrl: string) => new CallsDb({ adapter: pgAdapter(databaseUrl, 2) });

/** A session description as a browser would write one, with a marker to find it by. */
export const fakeSdp = (marker = randomUUID()) =>
  [
    'v=0',
    `o=- ${Date.now()} 2 IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    'a=group:BUNDLE 0',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    'c=IN IP4 0.0.0.0',
    'a=mid:0',
    `a=ice-ufrag:${marker}`,
    '',
  ].join('\r\n');

export const fakeCandidate = (marker = randomUUID()) =>
  JSON.stringify({
    candidate: `candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host ufrag ${marker}`,
    sdpMid: '0',
    sdpMLineIndex: 0,
  });

/**
 * A direct chat between two users that calls can use: created through the gateway, then awaited
 * in calls' projection (chats' DirectChatCreated reaches it through the outbox and the worker).
 */
export async function directChat(callsDb: CallsDb, a: User, b: User): Promise<string> {
  const chatId = (await a.client.data('CreateDirectChat', { userId: b.id })).createDirectChat.id as string;
  await waitFor(() => callsDb.directChat.findUnique({ where: { chatId } }), 15_000, 'calls to know the chat');
  return chatId;
}

/** The user's CallEvents, once the gateway has the subscription listening (nothing sent after is missed). */
export async function listenForCalls(
  user: User,
  gateway: RunningGateway,
  sockets: { dispose(): void | Promise<void> }[],
): Promise<Subscription<{ callEvents: CallEvent }>> {
  const before = gateway.activeSubscriptions();
  const socket = wsClient(gateway.url, user.client.token);
  sockets.push(socket);
  const subscription = subscribe<{ callEvents: CallEvent }>(socket, 'CallEvents');
  await waitFor(() => gateway.activeSubscriptions() > before, 10_000, 'CallEvents to be listening');
  return subscription;
}

/** The n-th event a subscriber got (1-based), failing on an error payload. */
export async function nthEvent(
  subscription: Subscription<{ callEvents: CallEvent }>,
  n: number,
  timeoutMs?: number,
): Promise<CallEvent> {
  const result = await subscription.nth(n, timeoutMs);
  if (result.errors?.length || !result.data) throw new Error(`event ${n}: ${JSON.stringify(result)}`);
  return result.data.callEvents;
}
