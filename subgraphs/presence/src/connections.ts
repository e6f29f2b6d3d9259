import { liveChannel, type LivePublisher } from '@switchboard/messaging';
import type { PrismaClient } from './generated/prisma/client.ts';
import type { PresenceStore } from './presenceStore.ts';

/**
 * Live connections as gateways report them (heartbeats with expiry, not trust): a user is online
 * while any connection is renewed in time, AWAY once idle for `awayAfterMs`. Every change of
 * status is announced as a presenceChanged live event; going offline also records lastSeenAt.
 */
export function createConnections(
  db: PrismaClient,
  store: PresenceStore,
  live: LivePublisher,
  awayAfterMs: number,
) {
  const wentOffline = async (userId: string, at: Date) => {
    await store.clearAway(userId);
    await db.lastSeen.upsert({
      where: { userId },
      create: { userId, lastSeenAt: at },
      update: { lastSeenAt: at },
    });
    await live.publish(liveChannel.presence(userId), { type: 'presenceChanged', userId });
  };

  return {
    async alive(userId: string, connectionId: string, ttlMs: number, active: boolean) {
      const wasOnline = (await store.onlineAmong([userId])).has(userId);
      if (active || !wasOnline) await store.markActive(userId);
      await store.touch(userId, connectionId, ttlMs);
      // Online again, or active again after being announced AWAY.
      const cameBack = active && (await store.clearAway(userId));
      if (!wasOnline || cameBack)
        await live.publish(liveChannel.presence(userId), { type: 'presenceChanged', userId });
    },
    async closed(userId: string, connectionId: string) {
      if (await store.drop(userId, connectionId)) await wentOffline(userId, new Date());
    },
    /**
     * Announces users whose connections all expired (their gateway died without saying so), and
     * users who went idle (AWAY).
     */
    async sweep() {
      for (const { userId, expiredAt } of await store.claimExpired())
        await wentOffline(userId, new Date(expiredAt));
      for (const userId of await store.claimIdle(Date.now() - awayAfterMs))
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
