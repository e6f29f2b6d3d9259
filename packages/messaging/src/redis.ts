import { defaultLogger } from '@switchboard/observability';
import calculateSlot from 'cluster-key-slot';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';

/** A connection to one Redis server or to a Redis Cluster: every Redis use takes either. */
export type RedisClient = Redis | Cluster;

/**
 * A Redis address is a `redis://` (or `rediss://`) URL for one server, or
 * `redis-cluster://host:port,host:port,...` for a Redis Cluster (any of its nodes; the rest are
 * discovered). Processes build it from REDIS_URL and REDIS_CLUSTER_NODES with `redisAddress`, and
 * pass it wherever a Redis URL went before.
 */
const CLUSTER_SCHEME = 'redis-cluster://';

/** REDIS_CLUSTER_NODES (`host:port,host:port`), when set, wins over REDIS_URL. */
export function redisAddress(env: { REDIS_URL: string; REDIS_CLUSTER_NODES?: string | undefined }): string {
  return env.REDIS_CLUSTER_NODES ? `${CLUSTER_SCHEME}${env.REDIS_CLUSTER_NODES}` : env.REDIS_URL;
}

/** The cluster's startup nodes, or null for a single server's address. */
export function clusterNodes(address: string): { host: string; port: number }[] | null {
  if (!address.startsWith(CLUSTER_SCHEME)) return null;
  return address
    .slice(CLUSTER_SCHEME.length)
    .split(',')
    .map((node) => node.trim())
    .filter(Boolean)
    .map((node) => {
      const at = node.lastIndexOf(':');
      const port = Number(node.slice(at + 1));
      if (at <= 0 || !Number.isInteger(port))
        throw new Error(`Redis Cluster node "${node}" is not host:port`);
      return { host: node.slice(0, at).replace(/^\[|\]$/g, ''), port };
    });
}

export const isCluster = (redis: RedisClient): redis is Cluster => (redis as Cluster).isCluster === true;

/** Redis Cluster's slot of a key (0-16383): of its first non-empty `{hash tag}`, else of the whole key. */
export const keySlot = (key: string): number => calculateSlot(key);

/**
 * The one place that decides between a single Redis and a Redis Cluster. BullMQ needs
 * `maxRetriesPerRequest: null` on connections that block (workers), and both kinds keep retrying
 * while Redis is down (or a master fails over), so a restarted Redis or a promoted replica is
 * picked up again without a restart of ours. `cluster` adds Cluster-only options (sharded
 * subscribers for live events).
 */
export function redisConnection(
  address: string,
  options: RedisOptions = {},
  cluster: Partial<ClusterOptions> = {},
): RedisClient {
  const redisOptions: RedisOptions = {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    ...options,
  };
  const nodes = clusterNodes(address);
  if (!nodes) {
    const client = new Redis(address, redisOptions);
    client.on('error', throttledWarning('Redis error (retrying)'));
    return client;
  }
  const { retryStrategy, enableAutoPipelining, lazyConnect, ...perNode } = redisOptions;
  const client = new Cluster(nodes, {
    // The whole cluster unreachable: retry as a single Redis would.
    clusterRetryStrategy: (attempt) => retryStrategy?.(attempt) ?? null,
    enableReadyCheck: true,
    ...(enableAutoPipelining ? { enableAutoPipelining } : {}),
    ...(lazyConnect ? { lazyConnect } : {}),
    redisOptions: perNode,
    ...cluster,
  });
  // A Cluster emits some errors without ioredis' "unhandled error" guard (a sharded subscriber
  // that cannot reach its master during a failover): unheard, they would crash the process.
  client.on('error', throttledWarning('Redis Cluster error (retrying)'));
  return client;
}

/**
 * Sends a BullMQ queue's or worker's connection errors to the JSON log, the first of a burst and
 * then at most one every 10 s. Without a listener BullMQ writes each one (every reconnect attempt
 * of every queue while Redis restarts) to stderr as a bare stack dump.
 */
export function logRedisErrors<T extends { on(event: 'error', listener: (error: Error) => void): unknown }>(
  emitter: T,
  message: string,
): T {
  emitter.on('error', throttledWarning(message));
  return emitter;
}

/** Logs the first error of a burst, then at most one every 10 s. */
function throttledWarning(message: string) {
  let last = 0;
  return (error: unknown) => {
    if (Date.now() - last < 10_000) return;
    last = Date.now();
    defaultLogger().warn({ err: error }, message);
  };
}

/**
 * Writes are acknowledged by a master before its replicas have them: a master that dies at that
 * moment loses them when its replica takes over. `waitForReplicas` asks the master that holds
 * `key` to confirm that a replica has everything this connection wrote to it (WAIT), and throws
 * if none did within `timeoutMs` (the caller tries again later). A master that has no replica
 * connected (its shard degraded, e.g. just after a failover) has nothing to wait for: its writes
 * are then as durable as its AOF, and `onDegraded` hears of it. A single Redis is left alone.
 */
export async function waitForReplicas(
  redis: RedisClient,
  key: string,
  options: { timeoutMs?: number; onDegraded?: (master: string) => void } = {},
): Promise<void> {
  if (!isCluster(redis)) return;
  const slot = keySlot(key);
  const [master] = redis.slots[slot] ?? [];
  const node = redis.nodes('master').find((node) => `${node.options.host}:${node.options.port}` === master);
  if (!node) throw new Error(`no connection to the master of slot ${slot} (${master ?? 'unknown'})`);
  if ((await node.wait(1, options.timeoutMs ?? 1_000)) >= 1) return;
  const replication = await node.info('replication');
  if (/^connected_slaves:0\s*$/m.test(replication)) return options.onDegraded?.(master!);
  throw new Error(`no replica of ${master} confirmed the write in time`);
}

/**
 * BullMQ keeps each queue's keys under its prefix and runs multi-key scripts on them, which a
 * Redis Cluster allows only within one slot: the prefix must carry a hash tag (`{switchboard}`).
 */
export function checkQueuePrefix(prefix: string): string {
  if (!/\{[^}]+\}/.test(prefix))
    throw new Error(
      `QUEUE_PREFIX "${prefix}" needs a hash tag, e.g. "{${prefix}}", to run on a Redis Cluster`,
    );
  return prefix;
}

/**
 * BullMQ silently loses jobs when Redis evicts keys; warn loudly unless the policy is noeviction.
 * Also warn when Redis keeps nothing on disk: a job relayed (and so no longer pending in the
 * outbox) but not yet handled would be lost if Redis restarted. Returns the eviction policy
 * (null when the server does not let us read it, e.g. managed Redis). On a cluster, asks one node.
 */
export async function checkEvictionPolicy(
  redis: RedisClient,
  log: (message: string) => void = (message) => defaultLogger().warn(message),
): Promise<string | null> {
  try {
    const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
    const policy = reply[1] ?? null;
    if (policy && policy !== 'noeviction') {
      log(
        `WARNING: Redis maxmemory-policy is "${policy}"; BullMQ needs "noeviction" or queued jobs can be lost. ` +
          'Run: redis-cli CONFIG SET maxmemory-policy noeviction',
      );
    }
    const [, appendonly] = (await redis.config('GET', 'appendonly')) as string[];
    if (appendonly === 'no') {
      log(
        'WARNING: Redis persistence (appendonly) is off; queued jobs not yet handled are lost if Redis restarts. ' +
          'Fine for tests; elsewhere run Redis with appendonly yes (README, "Operations").',
      );
    }
    return policy;
  } catch {
    log('WARNING: could not read Redis maxmemory-policy; make sure it is "noeviction"');
    return null;
  }
}
