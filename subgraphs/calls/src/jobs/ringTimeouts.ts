import { pgAdapter } from '@switchboard/db';
import {
  createLivePublisher,
  RetryLaterError,
  type EventHandler,
  type LivePublisher,
} from '@switchboard/messaging';
import { defaultLog } from '@switchboard/observability';
import { endByServer } from '../callEnds.ts';
import { PrismaClient } from '../generated/prisma/client.ts';
import type { CallInbox } from '../inbox.ts';

export { callInbox, type CallInbox } from '../inbox.ts';

/** Which of these users hold a live connection now (presence's Online, asked by the worker). */
export type OnlineAmong = (userIds: readonly string[]) => Promise<Set<string>>;

/** How often an ACTIVE call's sides are looked at: a quarter of its timeout, within 250 ms-10 s. */
export const unattendedLookMs = (unattendedSeconds: number) =>
  Math.min(10_000, Math.max(250, (unattendedSeconds * 1000) / 4));

/**
 * calls' timeouts, on the calls-timeouts queue; each job puts itself back as a BullMQ delayed job
 * (RetryLaterError) while there is something to wait for, so the timeout lives in Redis and
 * survives any process restart.
 *
 * - CallStarted: ends a call nobody answered as MISSED, at its `ringsUntil`. Answered, declined
 *   or cancelled by then: nothing to do.
 * - CallAnswered: while the call is ACTIVE, asks presence whether either side holds a live
 *   connection (presence knows connections per user, not per device: a side counts as live while
 *   any device of theirs is connected). Once neither has been for `unattendedSeconds` (from the
 *   first look that found nobody, recorded as `unattendedSince`), ends it as FAILED. Presence not
 *   answering ends nothing: the job looks again later.
 */
export function ringTimeouts(
  db: PrismaClient,
  live: LivePublisher,
  inbox: CallInbox,
  onlineAmong: OnlineAmong,
): EventHandler {
  return async (event) => {
    if (event.type === 'CallStarted') {
      const call = await db.call.findUnique({
        where: { id: event.payload.callId },
        select: { id: true, state: true, ringsUntil: true },
      });
      if (!call || call.state !== 'RINGING') return;
      const wait = call.ringsUntil.getTime() - Date.now();
      if (wait > 0) throw new RetryLaterError('the call is ringing', wait);
      await endByServer(db, live, inbox, call.id, 'MISSED', ['RINGING']);
      return;
    }
    if (event.type !== 'CallAnswered') return;
    const { callId, callerId, calleeId, unattendedSeconds } = event.payload;
    const look = unattendedLookMs(unattendedSeconds);
    const call = await db.call.findUnique({
      where: { id: callId },
      select: { id: true, state: true, unattendedSince: true },
    });
    if (!call || call.state !== 'ACTIVE') return;
    let online: Set<string>;
    try {
      online = await onlineAmong([callerId, calleeId]);
    } catch {
      throw new RetryLaterError('presence did not answer', look);
    }
    if (online.size > 0) {
      if (call.unattendedSince)
        await db.call.updateMany({ where: { id: callId, state: 'ACTIVE' }, data: { unattendedSince: null } });
      throw new RetryLaterError('the call has a live side', look);
    }
    if (!call.unattendedSince) {
      await db.call.updateMany({
        where: { id: callId, state: 'ACTIVE', unattendedSince: null },
        data: { unattendedSince: new Date() },
      });
      throw new RetryLaterError('neither side is connected', look);
    }
    const left = call.unattendedSince.getTime() + unattendedSeconds * 1000 - Date.now();
    if (left > 0) throw new RetryLaterError('neither side is connected', Math.min(left, look));
    await endByServer(db, live, inbox, callId, 'FAILED', ['ACTIVE']);
  };
}

/**
 * For the worker: the handler with its own connection to the calls schema and live events, the
 * worker's client of chats' inboxes, and its question to presence.
 */
export function openRingTimeouts(
  databaseUrl: string,
  redisUrl: string,
  options: { inbox: CallInbox; onlineAmong: OnlineAmong },
) {
  const db = new PrismaClient({ adapter: pgAdapter(databaseUrl, { subgraph: 'calls' }) });
  const live = createLivePublisher(redisUrl, defaultLog({ component: 'calls-timeouts' }));
  return {
    handle: ringTimeouts(db, live, options.inbox, options.onlineAmong),
    close: async () => {
      await Promise.all([db.$disconnect(), live.close()]);
    },
  };
}
