import type { PresenceContext } from './context.ts';

export type PresenceStatus = 'ONLINE' | 'AWAY' | 'OFFLINE';

/**
 * A user's presence as `viewerId` may see it: ONLINE while connected and active within the idle
 * time, AWAY when connected but idle, OFFLINE otherwise, with lastSeenAt unless hidden from them.
 */
export async function presenceOf(
  context: PresenceContext,
  userId: string,
  hidden: boolean,
): Promise<{ status: PresenceStatus; lastSeenAt: Date | null }> {
  const [online, lastSeen, lastActive] = await Promise.all([
    context.store.onlineAmong([userId]),
    context.db.lastSeen.findUnique({ where: { userId } }),
    context.store.lastActiveAt(userId),
  ]);
  const isOnline = online.has(userId);
  const idle = lastActive === null || Date.now() - lastActive > context.config.awayAfterMs;
  const hide = hidden && context.identity.userId !== userId;
  return {
    status: !isOnline ? 'OFFLINE' : idle ? 'AWAY' : 'ONLINE',
    lastSeenAt: hide || isOnline ? null : (lastSeen?.lastSeenAt ?? null),
  };
}
