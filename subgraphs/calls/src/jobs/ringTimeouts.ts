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

/**
 * Ends a call nobody answered as MISSED, at its `ringsUntil`. The job is CallStarted's on the
 * calls-timeouts queue: run at once, it finds the call still ringing and puts itself back as a
 * BullMQ delayed job until the deadline (RetryLaterError), so the timeout lives in Redis and
 * survives any process restart. Answered, declined or cancelled by then: nothing to do.
 */
export function ringTimeouts(db: PrismaClient, live: LivePublisher): EventHandler {
  return async (event) => {
    if (event.type !== 'CallStarted') return;
    const call = await db.call.findUnique({
      where: { id: event.payload.callId },
      select: { id: true, state: true, ringsUntil: true },
    });
    if (!call || call.state !== 'RINGING') return;
    const wait = call.ringsUntil.getTime() - Date.now();
    if (wait > 0) throw new RetryLaterError('the call is ringing', wait);
    await endByServer(db, live, call.id, 'MISSED', ['RINGING']);
  };
}

/** For the worker: the handler with its own connection to the calls schema and live events. */
export function openRingTimeouts(databaseUrl: string, redisUrl: string) {
  const db = new PrismaClient({ adapter: pgAdapter(databaseUrl, { subgraph: 'calls', maxConnections: 2 }) });
  const live = createLivePublisher(redisUrl, defaultLog({ component: 'calls-timeouts' }));
  return {
    handle: ringTimeouts(db, live),
    close: async () => {
      await Promise.all([db.$disconnect(), live.close()]);
    },
  };
}
