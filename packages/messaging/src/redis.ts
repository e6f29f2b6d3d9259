import { defaultLogger } from '@switchboard/observability';
import { Redis, type RedisOptions } from 'ioredis';

/**
 * BullMQ needs `maxRetriesPerRequest: null` on connections that block (workers), and keeps
 * retrying while Redis is down, so a restarted Redis is picked up again without a restart of ours.
 */
export function redisConnection(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    ...options,
  });
}

/**
 * BullMQ silently loses jobs when Redis evicts keys; warn loudly unless the policy is noeviction.
 * Also warn when Redis keeps nothing on disk: a job relayed (and so no longer pending in the
 * outbox) but not yet handled would be lost if Redis restarted. Returns the eviction policy
 * (null when the server does not let us read it, e.g. managed Redis).
 */
export async function checkEvictionPolicy(
  redis: Redis,
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
