import { isUuid } from '@switchboard/core';
import { liveChannel, type LivePublisher } from '@switchboard/messaging';
import type { PrismaClient } from './generated/prisma/client.ts';
import type { ConnectionChange, GatewaySession, PresenceStore, StatusChange } from './presenceStore.ts';

/**
 * Live connections as gateways report them over their streams (presenceService.ts): a user is
 * online while any gateway whose lease is current holds a connection of theirs, AWAY once idle for
 * `awayAfterMs`. The store reports each change of status to exactly one caller, which announces it
 * as a presenceChanged live event; going offline also records lastSeenAt.
 */
export function createConnections(
  db: PrismaClient,
  store: PresenceStore,
  live: LivePublisher,
  awayAfterMs: number,
) {
  async function announce(changes: readonly StatusChange[]) {
    const offline = changes.filter((change) => change.status === 'OFFLINE' && isUuid(change.userId));
    if (offline.length > 0) {
      // One statement per batch; a later last-seen time is never replaced by an earlier one.
      await db.$executeRaw`
        INSERT INTO presence."LastSeen" ("userId", "lastSeenAt")
        SELECT * FROM unnest(${offline.map((c) => c.userId)}::uuid[], ${offline.map((c) => new Date(c.at))}::timestamptz[])
        ON CONFLICT ("userId") DO UPDATE
        SET "lastSeenAt" = GREATEST(presence."LastSeen"."lastSeenAt", EXCLUDED."lastSeenAt")`;
    }
    await Promise.all(
      changes.map((change) =>
        live.publish(liveChannel.presence(change.userId), { type: 'presenceChanged', userId: change.userId }),
      ),
    );
  }

  return {
    register: (session: GatewaySession) => store.register(session),
    /** Applies one batch from a gateway; false when its session is gone (it must register again). */
    async apply(session: GatewaySession, changes: readonly ConnectionChange[], snapshotComplete: boolean) {
      const result = await store.applyBatch(session, changes, snapshotComplete);
      if (result === null) return false;
      await announce(result);
      return true;
    },
    /** The gateway ended its stream on purpose: its connections are closed now, not at lease end. */
    async release(session: GatewaySession) {
      await announce(await store.release(session));
    },
    /**
     * Announces the users of gateways whose lease ran out (they died without saying so), and users
     * who went idle (AWAY).
     */
    async sweep() {
      for (;;) {
        const expired = await store.expireLeases();
        if (expired.length === 0) break;
        await announce(expired);
      }
      for (const userId of await store.claimIdle(awayAfterMs))
        await live.publish(liveChannel.presence(userId), { type: 'presenceChanged', userId });
    },
  };
}

export type Connections = ReturnType<typeof createConnections>;

/** Runs the sweeper every `intervalMs` while the presence server listens. */
export function sweeper(
  connections: Connections,
  intervalMs: number,
  log: (message: string, error?: unknown) => void,
) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  return {
    start() {
      timer = setInterval(() => {
        running = connections.sweep().catch((error) => log('presence sweep failed', error));
      }, intervalMs);
    },
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
