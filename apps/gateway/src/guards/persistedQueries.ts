import { InMemoryLRUCache, PrefixingKeyValueCache, type KeyValueCache } from '@apollo/utils.keyvaluecache';
import { redisConnection } from '@switchboard/messaging';
import type { PersistedQueryManifest } from './manifest.ts';

/** How long a query registered through APQ stays; the manifest's operations never expire. */
export const DEFAULT_PERSISTED_QUERY_TTL_SECONDS = 86_400;

const SHA256_HEX = /^[0-9a-f]{64}$/;

export interface PersistedQueryStore {
  /** ApolloServer's `persistedQueries.cache`: SHA-256 hash -> document text. */
  cache: KeyValueCache<string>;
  close(): Promise<void>;
}

/**
 * The APQ cache in three layers: the manifest's trusted documents (in memory, always a hit, never
 * written), a small in-process LRU, and Redis, which every gateway process shares, so a query
 * registered through one gateway is a hit on all of them. Entries are content-addressed (Apollo
 * checks the hash of what it registers), so a local copy can never be stale.
 */
export function createPersistedQueryStore(options: {
  redisUrl: string;
  manifest: PersistedQueryManifest;
  namespace: string;
  log: (message: string, error?: unknown) => void;
}): PersistedQueryStore {
  // Redis errors are reported and read as a miss: the client then sends the full query. One key
  // per hash (GET, SET PX, DEL): nothing spans two keys, so a Redis Cluster serves it as well.
  const redis = redisConnection(options.redisUrl, { maxRetriesPerRequest: 1 });
  redis.on('error', (error: unknown) => options.log('APQ cache (Redis) failed', error));
  const keyOf = (hash: string) => `${options.namespace}:${hash}`;
  const failed = (error: unknown) => {
    options.log('APQ cache (Redis) failed', error);
    return null;
  };
  const local = new InMemoryLRUCache<string>({ maxSize: 8 * 1024 * 1024 });
  const trusted = new Map(options.manifest.operations.map((operation) => [operation.id, operation.body]));

  const cache: KeyValueCache<string> = {
    async get(hash) {
      if (!SHA256_HEX.test(hash)) return undefined; // not a hash: no Redis lookup for it
      const known = trusted.get(hash) ?? (await local.get(hash));
      if (known !== undefined) return known;
      const body = await redis.get(keyOf(hash)).catch(failed);
      if (body === null) return undefined;
      await local.set(hash, body);
      return body;
    },
    async set(hash, body, setOptions) {
      if (trusted.has(hash)) return;
      const ttlMs = setOptions?.ttl ? setOptions.ttl * 1000 : undefined;
      const stored = ttlMs ? redis.set(keyOf(hash), body, 'PX', ttlMs) : redis.set(keyOf(hash), body);
      await Promise.all([local.set(hash, body, setOptions), stored.catch(failed)]);
    },
    async delete(hash) {
      await Promise.all([local.delete(hash), redis.del(keyOf(hash)).catch(failed)]);
    },
  };
  return {
    // The namespace above isolates these keys already; Apollo's own "apq:" prefix would be a second one.
    cache: PrefixingKeyValueCache.cacheDangerouslyDoesNotNeedPrefixesForIsolation(cache),
    async close() {
      redis.disconnect();
    },
  };
}
