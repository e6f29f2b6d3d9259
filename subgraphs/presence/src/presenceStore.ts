import type { RedisClient } from '@switchboard/messaging';

/**
 * Live presence in Redis, owned by the presence subgraph. Gateways report the connections they
 * hold over one stream each, under a lease they renew (presenceService.ts); a gateway that falls
 * silent loses its lease and with it every connection it held.
 *
 * Every key carries one hash tag (`presence:{p}:…`), so the scripts below, which each touch many
 * keys, stay valid on a Redis Cluster. Each change is one script: it decides atomically which users
 * came online, went offline or came back from AWAY, so with any number of presence processes and
 * gateways each change is reported to exactly one caller, which announces it.
 *
 *   leases            ZSET gateway -> lease end (ms)
 *   sessions          HASH gateway -> id of its current stream (a stale stream's batches are refused)
 *   gw:<id>           HASH connection -> "<user> <device>" ("<user>" for a socket of no device):
 *                     what the gateway holds
 *   gw:<id>:stale     HASH connection -> "<user> <device>": held before it registered again, until
 *                     its snapshot confirms them (so a presence restart makes nobody flap offline
 *                     and back)
 *   user:<id>         SET "<gateway> <connection>": the user is online while it is not empty
 *   device:<id>       SET "<gateway> <connection>": the device is connected while it is not empty
 *   awake             ZSET user -> last activity (ms): online users not announced AWAY
 *   typing:<chat>:<user>  typing.ts
 */
export const DEFAULT_PRESENCE_TAG = 'p';

export const presenceKeyPrefix = (tag: string = DEFAULT_PRESENCE_TAG) => `presence:{${tag}}:`;

export type ConnectionChangeKind = 'OPENED' | 'ACTIVE' | 'CLOSED';

export interface ConnectionChange {
  kind: ConnectionChangeKind;
  connectionId: string;
  userId: string;
  /** The device the socket speaks for (read with OPENED); '' for none. */
  deviceId: string;
}

/** A change of status to announce: ONLINE (connected, or active again after AWAY) or OFFLINE. */
export interface StatusChange {
  userId: string;
  status: 'ONLINE' | 'OFFLINE';
  /** When it happened (ms since the epoch): the last-seen time of an OFFLINE. */
  at: number;
}

export interface GatewaySession {
  gatewayId: string;
  /** Unique per stream: batches of an older stream of the same gateway are refused. */
  sessionId: string;
  leaseMs: number;
}

export interface PresenceStore {
  /** A gateway (re)opens its stream; what it held before waits for its snapshot. */
  register(session: GatewaySession): Promise<void>;
  /**
   * Applies one batch and renews the lease. Null when the session is no longer current (its lease
   * ran out, or a newer stream registered): the gateway must register again.
   */
  applyBatch(
    session: GatewaySession,
    changes: readonly ConnectionChange[],
    snapshotComplete: boolean,
  ): Promise<StatusChange[] | null>;
  /** The gateway said goodbye: everything it held closes now. */
  release(session: GatewaySession): Promise<StatusChange[]>;
  /** Drops gateways whose lease ran out, with every connection they held. */
  expireLeases(limit?: number): Promise<StatusChange[]>;
  /** Online users idle for `awayAfterMs`, each claimed once (announced AWAY). */
  claimIdle(awayAfterMs: number, limit?: number): Promise<string[]>;
  /** The users among `userIds` that hold at least one live connection now. */
  onlineAmong(userIds: readonly string[]): Promise<Set<string>>;
  /** The devices among `deviceIds` that hold at least one live connection now. */
  connectedDevices(deviceIds: readonly string[]): Promise<Set<string>>;
  /** Last activity of an online user not yet announced AWAY; null otherwise. */
  lastActiveAt(userId: string): Promise<number | null>;
}

const PRELUDE = `
local P = KEYS[1]
local changes = {}
local function ms(n) return string.format('%.0f', n) end
local function clock()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function userKey(user) return P .. 'user:' .. user end
local function deviceKey(device) return P .. 'device:' .. device end
-- A held connection's value: "<user> <device>", or "<user>" for a socket of no device.
local function holder(value)
  local user, device = string.match(value, '^(%S+) (%S+)$')
  if user then return user, device end
  return value, nil
end
local function liveKey(gw) return P .. 'gw:' .. gw end
local function staleKey(gw) return P .. 'gw:' .. gw .. ':stale' end
local function announce(user, status, at)
  changes[#changes + 1] = user
  changes[#changes + 1] = status
  changes[#changes + 1] = at
end
-- Forgets one connection (its held value); the user's last one takes them offline.
local function drop(gw, conn, value, at)
  local user, device = holder(value)
  if device then redis.call('SREM', deviceKey(device), gw .. ' ' .. conn) end
  redis.call('SREM', userKey(user), gw .. ' ' .. conn)
  if redis.call('EXISTS', userKey(user)) == 0 then
    redis.call('ZREM', P .. 'awake', user)
    announce(user, 'OFFLINE', at)
  end
end
local function dropGateway(gw, at)
  redis.call('ZREM', P .. 'leases', gw)
  redis.call('HDEL', P .. 'sessions', gw)
  for _, key in ipairs({ liveKey(gw), staleKey(gw) }) do
    local held = redis.call('HGETALL', key)
    for i = 1, #held, 2 do drop(gw, held[i], held[i + 1], at) end
    redis.call('DEL', key)
  end
end
`;

/** ARGV: gateway, session, lease ms. */
const REGISTER = `
local gw = ARGV[1]
redis.call('HSET', P .. 'sessions', gw, ARGV[2])
redis.call('ZADD', P .. 'leases', ms(clock() + tonumber(ARGV[3])), gw)
local held = redis.call('HGETALL', liveKey(gw))
for i = 1, #held, 2 do redis.call('HSET', staleKey(gw), held[i], held[i + 1]) end
redis.call('DEL', liveKey(gw))
return 1
`;

/** ARGV: gateway, session, lease ms, snapshot complete (1/0), then (kind, connection, user, device) quads. */
const BATCH = `
local gw = ARGV[1]
if redis.call('HGET', P .. 'sessions', gw) ~= ARGV[2] then return false end
local now = clock()
local at = ms(now)
redis.call('ZADD', P .. 'leases', ms(now + tonumber(ARGV[3])), gw)
local live, stale, awake = liveKey(gw), staleKey(gw), P .. 'awake'
-- Back in 'awake' after leaving it: the user had been announced AWAY.
local function active(user)
  if redis.call('ZADD', awake, at, user) == 1 then announce(user, 'ONLINE', at) end
end
-- Opens first, closes last: a user who moves between connections within one batch stays online.
for pass = 1, 3 do
  for i = 5, #ARGV, 4 do
    local kind, conn, user, device = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
    local value = user
    if device ~= '' then value = user .. ' ' .. device end
    if pass == 1 and kind == 'O' then
      if redis.call('HDEL', stale, conn) == 1 then
        -- Open through a presence restart: confirmed, and not news.
        redis.call('HSET', live, conn, value)
      elseif redis.call('HSET', live, conn, value) == 1 then
        local wasOnline = redis.call('EXISTS', userKey(user)) == 1
        redis.call('SADD', userKey(user), gw .. ' ' .. conn)
        if device ~= '' then redis.call('SADD', deviceKey(device), gw .. ' ' .. conn) end
        if wasOnline then
          active(user)
        else
          redis.call('ZADD', awake, at, user)
          announce(user, 'ONLINE', at)
        end
      end
    elseif pass == 2 and kind == 'A' then
      if redis.call('HEXISTS', live, conn) == 1 then active((holder(redis.call('HGET', live, conn)))) end
    elseif pass == 3 and kind == 'C' then
      local owner = redis.call('HGET', live, conn) or redis.call('HGET', stale, conn)
      if owner then
        redis.call('HDEL', live, conn)
        redis.call('HDEL', stale, conn)
        drop(gw, conn, owner, at)
      end
    end
  end
end
if ARGV[4] == '1' then
  local held = redis.call('HGETALL', stale)
  for i = 1, #held, 2 do drop(gw, held[i], held[i + 1], at) end
  redis.call('DEL', stale)
end
return changes
`;

/** ARGV: gateway, session. */
const RELEASE = `
if redis.call('HGET', P .. 'sessions', ARGV[1]) == ARGV[2] then dropGateway(ARGV[1], ms(clock())) end
return changes
`;

/** ARGV: limit of gateways per call. Their users went offline when the lease ended. */
const EXPIRE = `
local expired = redis.call('ZRANGEBYSCORE', P .. 'leases', '-inf', ms(clock()), 'WITHSCORES', 'LIMIT', 0, ARGV[1])
for i = 1, #expired, 2 do dropGateway(expired[i], expired[i + 1]) end
return changes
`;

/** ARGV: away after ms, limit. */
const CLAIM_IDLE = `
local idle = redis.call('ZRANGEBYSCORE', P .. 'awake', '-inf', ms(clock() - tonumber(ARGV[1])), 'LIMIT', 0, ARGV[2])
for _, user in ipairs(idle) do redis.call('ZREM', P .. 'awake', user) end
return idle
`;

const KIND_CODES: Record<ConnectionChangeKind, string> = { OPENED: 'O', ACTIVE: 'A', CLOSED: 'C' };

type ScriptFn = (prefix: string, ...args: (string | number)[]) => Promise<unknown>;

function statusChanges(reply: unknown): StatusChange[] {
  const flat = reply as string[];
  const changes: StatusChange[] = [];
  for (let i = 0; i < flat.length; i += 3)
    changes.push({
      userId: flat[i]!,
      status: flat[i + 1] as StatusChange['status'],
      at: Number(flat[i + 2]),
    });
  return changes;
}

export function createPresenceStore(redis: RedisClient, options: { tag?: string } = {}): PresenceStore {
  const prefix = presenceKeyPrefix(options.tag);
  // EVALSHA with the script loaded once per connection (ioredis falls back to EVAL when missing).
  const script = (name: string, body: string): ScriptFn => {
    redis.defineCommand(name, { numberOfKeys: 1, lua: PRELUDE + body });
    const command = (redis as unknown as Record<string, ScriptFn>)[name]!.bind(redis);
    return (...args) => command(...args);
  };
  const scripts = {
    register: script('presenceRegister', REGISTER),
    batch: script('presenceBatch', BATCH),
    release: script('presenceRelease', RELEASE),
    expire: script('presenceExpire', EXPIRE),
    claimIdle: script('presenceClaimIdle', CLAIM_IDLE),
  };
  const userKey = (userId: string) => `${prefix}user:${userId}`;
  const deviceKey = (deviceId: string) => `${prefix}device:${deviceId}`;
  const existing = async (keys: readonly string[]) => {
    if (keys.length === 0) return new Set<number>();
    const pipeline = redis.pipeline();
    for (const key of keys) pipeline.exists(key);
    const replies = (await pipeline.exec()) ?? [];
    return new Set(keys.flatMap((_, index) => (Number(replies[index]?.[1] ?? 0) > 0 ? [index] : [])));
  };

  return {
    async register({ gatewayId, sessionId, leaseMs }) {
      await scripts.register(prefix, gatewayId, sessionId, leaseMs);
    },
    async applyBatch({ gatewayId, sessionId, leaseMs }, changes, snapshotComplete) {
      const args: string[] = [];
      for (const change of changes)
        args.push(KIND_CODES[change.kind], change.connectionId, change.userId, change.deviceId);
      const reply = await scripts.batch(
        prefix,
        gatewayId,
        sessionId,
        leaseMs,
        snapshotComplete ? 1 : 0,
        ...args,
      );
      return reply === null ? null : statusChanges(reply);
    },
    async release({ gatewayId, sessionId }) {
      return statusChanges(await scripts.release(prefix, gatewayId, sessionId));
    },
    async expireLeases(limit = 10) {
      return statusChanges(await scripts.expire(prefix, limit));
    },
    async claimIdle(awayAfterMs, limit = 1000) {
      return (await scripts.claimIdle(prefix, awayAfterMs, limit)) as string[];
    },
    async onlineAmong(userIds) {
      const found = await existing(userIds.map(userKey));
      return new Set(userIds.filter((_, index) => found.has(index)));
    },
    async connectedDevices(deviceIds) {
      const found = await existing(deviceIds.map(deviceKey));
      return new Set(deviceIds.filter((_, index) => found.has(index)));
    },
    async lastActiveAt(userId) {
      const score = await redis.zscore(`${prefix}awake`, userId);
      return score === null ? null : Number(score);
    },
  };
}
