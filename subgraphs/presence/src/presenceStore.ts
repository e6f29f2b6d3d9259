import type { Redis } from 'ioredis';

/**
 * Live presence in Redis, owned by the presence subgraph. Each live gateway connection is a
 * member of the user's sorted set, scored by when it expires; gateways renew it with heartbeats,
 * so a connection whose gateway died simply runs out (heartbeats with expiry, not trust).
 */
const connectionsKey = (userId: string) => `presence:conns:${userId}`;
const activeKey = (userId: string) => `presence:active:${userId}`;
/** Every online user, scored by when their newest connection expires: the sweeper's index. */
const ONLINE = 'presence:online';
/** Online users already announced AWAY. */
const AWAY = 'presence:away';

export interface PresenceStore {
  /** Registers or renews a live connection for `ttlMs`. */
  touch(userId: string, connectionId: string, ttlMs: number): Promise<void>;
  /** Forgets a connection that closed; returns true when it was the user's last one. */
  drop(userId: string, connectionId: string): Promise<boolean>;
  /** The users among `userIds` that hold at least one live connection now. */
  onlineAmong(userIds: readonly string[]): Promise<Set<string>>;
  /** Records activity (an operation from the user), which keeps them ONLINE rather than AWAY. */
  markActive(userId: string): Promise<void>;
  lastActiveAt(userId: string): Promise<number | null>;
  /**
   * Users whose every connection ran out (their gateway died or lost them), each claimed by
   * exactly one caller: the sweeper that gets a user announces them OFFLINE.
   */
  claimExpired(now?: number): Promise<{ userId: string; expiredAt: number }[]>;
  /** Online users idle since before `idleSince` and not yet announced AWAY, each claimed once. */
  claimIdle(idleSince: number): Promise<string[]>;
  /** Forgets that a user was announced AWAY; true if they had been (they are back, or gone). */
  clearAway(userId: string): Promise<boolean>;
}

export function createPresenceStore(redis: Redis): PresenceStore {
  return {
    async touch(userId, connectionId, ttlMs) {
      const key = connectionsKey(userId);
      const expires = Date.now() + ttlMs;
      await redis
        .multi()
        .zadd(key, expires, connectionId)
        .pexpire(key, ttlMs * 2)
        .zadd(ONLINE, 'GT', expires, userId)
        .exec();
    },
    async drop(userId, connectionId) {
      const key = connectionsKey(userId);
      const [, , live] =
        (await redis
          .multi()
          .zrem(key, connectionId)
          .zremrangebyscore(key, '-inf', Date.now())
          .zcard(key)
          .exec()) ?? [];
      const last = Number(live?.[1] ?? 0) === 0;
      if (last) await redis.zrem(ONLINE, userId);
      return last;
    },
    async onlineAmong(userIds) {
      if (userIds.length === 0) return new Set();
      const now = Date.now();
      const pipeline = redis.pipeline();
      for (const userId of userIds) pipeline.zcount(connectionsKey(userId), now, '+inf');
      const counts = (await pipeline.exec()) ?? [];
      return new Set(userIds.filter((_, index) => Number(counts[index]?.[1] ?? 0) > 0));
    },
    async markActive(userId) {
      await redis.set(activeKey(userId), String(Date.now()), 'EX', 7 * 24 * 3600);
    },
    async claimExpired(now = Date.now()) {
      const expired = await redis.zrangebyscore(ONLINE, '-inf', now, 'WITHSCORES', 'LIMIT', 0, 500);
      const claimed: { userId: string; expiredAt: number }[] = [];
      for (let i = 0; i < expired.length; i += 2) {
        const userId = expired[i]!;
        // ZREM answers 1 to one caller only; a connection renewed meanwhile raised the score.
        const removed = await redis.eval(
          "if tonumber(redis.call('ZSCORE', KEYS[1], ARGV[1]) or '0') <= tonumber(ARGV[2]) then return redis.call('ZREM', KEYS[1], ARGV[1]) end return 0",
          1,
          ONLINE,
          userId,
          String(now),
        );
        if (removed === 1) claimed.push({ userId, expiredAt: Number(expired[i + 1]) });
      }
      return claimed;
    },
    async claimIdle(idleSince) {
      const online = await redis.zrangebyscore(ONLINE, Date.now(), '+inf', 'LIMIT', 0, 5000);
      if (online.length === 0) return [];
      const active = await redis.mget(online.map(activeKey));
      const idle = online.filter((_, i) => active[i] === null || Number(active[i]) < idleSince);
      const claimed: string[] = [];
      // SADD answers 1 to one caller only: one AWAY announcement per idle spell.
      for (const userId of idle) if ((await redis.sadd(AWAY, userId)) === 1) claimed.push(userId);
      return claimed;
    },
    async clearAway(userId) {
      return (await redis.srem(AWAY, userId)) === 1;
    },
    async lastActiveAt(userId) {
      const value = await redis.get(activeKey(userId));
      return value === null ? null : Number(value);
    },
  };
}
