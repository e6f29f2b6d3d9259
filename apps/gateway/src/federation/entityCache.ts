import { createHash } from 'node:crypto';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { Identity } from '@switchboard/core';
import {
  Kind,
  parse,
  type FragmentDefinitionNode,
  type GraphQLFormattedError,
  type SelectionSetNode,
} from 'graphql';
import type { RedisClient } from '@switchboard/messaging';
import { LRUCache } from 'lru-cache';
import type { GatewayContext } from '../context.ts';
import type { CachedField } from '../live/liveSchema.ts';

/** What an `_entities` fetch's selection allows: null when any part of it may not be cached. */
interface FetchPolicy {
  id: string;
  maxAge: number;
  perCaller: boolean;
}

type Next = (options: GraphQLDataSourceProcessOptions<GatewayContext>) => Promise<GatewayGraphQLResponse>;
type Representation = { __typename: string; id: string } & Record<string, unknown>;

const REDIS_PREFIX = 'switchboard:entity:';
/** Invalidations are remembered this long, so a fetch that started before one does not cache. */
const INVALIDATION_MEMORY_MS = 60_000;

/** Who the cached value is for: a signed-in caller or a channel follower; null for anonymous. */
function callerOf(identity: Identity): string | null {
  if (identity.userId) return `u:${identity.userId}`;
  if (identity.delivery) return `d:${identity.delivery.channel}`;
  return null;
}

/**
 * The gateway's entity cache (architecture.md, principle 8), kept exact by events rather than TTLs:
 * `_entities` fetches whose every field is `@cached` are answered per entity from an in-process
 * LRU, then from Redis (shared by every gateway), and only the missing entities are fetched. An
 * owner's `entityChanged` event drops every cached value of that entity here and in Redis. A
 * fetch that started before an invalidation it overlapped never writes its (maybe stale) result.
 * Fields that depend on the viewer are never `@cached`; values of `perCaller` fields are kept per
 * caller. Anonymous callers bypass the cache.
 */
export function createEntityCache(options: {
  cachedFields: ReadonlyMap<string, CachedField>;
  /** Shared by every gateway; give it `enableAutoPipelining` (one round trip per batch and node). */
  redis?: RedisClient;
  maxEntries?: number;
  log?: (message: string, error?: unknown) => void;
}) {
  const policies = new Map<string, FetchPolicy | null>();
  /** entity (`Type:id`) -> its cached keys here, to drop them all on an invalidation. */
  const byEntity = new Map<string, Set<string>>();
  const local = new LRUCache<string, { entity: string; value: unknown }>({
    max: options.maxEntries ?? 50_000,
    ttlAutopurge: false,
    dispose: (entry, key) => {
      const keys = byEntity.get(entry.entity);
      keys?.delete(key);
      if (keys?.size === 0) byEntity.delete(entry.entity);
    },
  });
  const invalidated = new Map<string, number>();
  const { redis } = options;
  const log = (message: string, error: unknown) => options.log?.(message, error);
  let hits = 0;
  let misses = 0;

  function policyOf(query: string): FetchPolicy | null {
    let policy = policies.get(query);
    if (policy === undefined) {
      policy = analyse(query, options.cachedFields);
      if (policies.size > 5_000) policies.clear();
      policies.set(query, policy);
    }
    return policy;
  }

  function remember(entity: string, key: string, value: unknown, maxAge: number, startedAt: number) {
    if ((invalidated.get(entity) ?? 0) >= startedAt) return false;
    local.set(key, { entity, value }, { ttl: maxAge * 1000 });
    let keys = byEntity.get(entity);
    if (!keys) byEntity.set(entity, (keys = new Set()));
    keys.add(key);
    return true;
  }

  return {
    get stats() {
      return { hits, misses, entries: local.size };
    },

    /** Answers an `_entities` fetch from the cache where it can, fetching only the rest. */
    async fetch(
      subgraph: string,
      options: GraphQLDataSourceProcessOptions<GatewayContext>,
      next: Next,
    ): Promise<GatewayGraphQLResponse> {
      const query = options.request.query;
      const policy = query ? policyOf(query) : null;
      const context = 'incomingRequestContext' in options ? options.context : undefined;
      const caller = context ? callerOf(context.identity) : null;
      const representations = options.request.variables?.['representations'];
      if (!policy || !caller || !Array.isArray(representations)) return next(options);

      const variant = `${subgraph}|${policy.id}|${policy.perCaller ? caller : '*'}`;
      const entities = (representations as Representation[]).map((rep) =>
        typeof rep?.__typename === 'string' && typeof rep.id === 'string' && Object.keys(rep).length === 2
          ? `${rep.__typename}:${rep.id}`
          : null,
      );
      const results: unknown[] = new Array(representations.length);
      const found: boolean[] = new Array(representations.length).fill(false);
      entities.forEach((entity, index) => {
        const cached = entity && local.get(`${entity}|${variant}`);
        if (cached) {
          results[index] = cached.value;
          found[index] = true;
        }
      });
      let missing = found.flatMap((hit, index) => (hit || entities[index] === null ? [] : [index]));
      if (redis && missing.length > 0) {
        const startedAt = Date.now();
        try {
          // One command per entity, not a pipeline: on a Redis Cluster the entities' keys live in
          // different slots, which one pipeline may not span (auto-pipelining batches per node).
          const replies = await Promise.all(
            missing.map((index) => redis.hget(`${REDIS_PREFIX}${entities[index]}`, variant)),
          );
          missing.forEach((index, j) => {
            const text = replies[j];
            if (typeof text !== 'string') return;
            results[index] = JSON.parse(text);
            found[index] = true;
            remember(
              entities[index]!,
              `${entities[index]}|${variant}`,
              results[index],
              policy.maxAge,
              startedAt,
            );
          });
        } catch (error) {
          log('entity cache: Redis read failed; fetching instead', error);
        }
      }
      missing = found.flatMap((hit, index) => (hit ? [] : [index]));
      hits += representations.length - missing.length;
      misses += missing.length;
      if (missing.length === 0) return { data: { _entities: results } };

      const startedAt = Date.now();
      const response = await next({
        ...options,
        request: {
          ...options.request,
          variables: {
            ...options.request.variables,
            representations: missing.map((i) => representations[i]),
          },
        },
      });
      const fetched = (response.data?.['_entities'] ?? []) as unknown[];
      const failed = new Set<number>();
      const errors = response.errors?.map((error) => {
        const path = (error as GraphQLFormattedError).path;
        if (path?.[0] !== '_entities' || typeof path[1] !== 'number') return error;
        failed.add(path[1]);
        return { ...error, path: ['_entities', missing[path[1]]!, ...path.slice(2)] };
      });
      const writes: Promise<unknown>[] = [];
      missing.forEach((index, j) => {
        results[index] = fetched[j] ?? null;
        const entity = entities[index];
        if (!entity || failed.has(j) || fetched[j] == null) return;
        const key = `${entity}|${variant}`;
        if (remember(entity, key, fetched[j], policy.maxAge, startedAt) && redis) {
          writes.push(redis.hset(`${REDIS_PREFIX}${entity}`, variant, JSON.stringify(fetched[j])));
          writes.push(redis.expire(`${REDIS_PREFIX}${entity}`, policy.maxAge));
        }
      });
      if (writes.length) Promise.all(writes).catch((error) => log('entity cache: Redis write failed', error));
      return {
        ...response,
        data: response.data ? { ...response.data, _entities: results } : (response.data ?? null),
        ...(errors ? { errors: errors as GatewayGraphQLResponse['errors'] } : {}),
      };
    },

    /** Drops every cached value of one entity, here and in Redis (the owner said it changed). */
    invalidate(typename: string, id: string) {
      const entity = `${typename}:${id}`;
      const now = Date.now();
      invalidated.set(entity, now);
      for (const key of byEntity.get(entity) ?? []) local.delete(key);
      byEntity.delete(entity);
      redis
        ?.del(`${REDIS_PREFIX}${entity}`)
        .catch((error) => log('entity cache: Redis invalidation failed', error));
      // Forget old invalidations now and then; a fetch never outlives the call deadline this much.
      if (invalidated.size > 10_000)
        for (const [key, at] of invalidated) if (now - at > INVALIDATION_MEMORY_MS) invalidated.delete(key);
    },

    /** Drops everything held here (the live bus reconnected: invalidations may have been missed). */
    clear() {
      const now = Date.now();
      for (const entity of byEntity.keys()) invalidated.set(entity, now);
      local.clear();
      byEntity.clear();
    },
  };
}

export type EntityCache = ReturnType<typeof createEntityCache>;

/**
 * Whether an `_entities` fetch may be cached: every field it selects under each type condition is
 * `@cached` (or the `id` the representation carries), with no conditional directive. Nested
 * selections belong to the cached field's value.
 */
function analyse(query: string, cachedFields: ReadonlyMap<string, CachedField>): FetchPolicy | null {
  if (!query.includes('_entities')) return null;
  const document = parse(query);
  const fragments = new Map(
    document.definitions.flatMap((definition) =>
      definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition] as const] : [],
    ),
  );
  const operation = document.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  const root = operation?.kind === Kind.OPERATION_DEFINITION ? operation.selectionSet.selections : [];
  const entities = root.length === 1 && root[0]!.kind === Kind.FIELD ? root[0] : undefined;
  if (entities?.kind !== Kind.FIELD || entities.name.value !== '_entities' || !entities.selectionSet)
    return null;

  let maxAge = Infinity;
  let perCaller = false;
  const allowed = (type: string | undefined, selectionSet: SelectionSetNode): boolean => {
    for (const selection of selectionSet.selections) {
      if (selection.directives?.length) return false;
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name === '__typename' || name === 'id') continue;
        const field = type ? cachedFields.get(`${type}.${name}`) : undefined;
        if (!field) return false;
        maxAge = Math.min(maxAge, field.maxAge);
        perCaller ||= field.perCaller;
        continue;
      }
      const fragment:
        | { typeCondition?: FragmentDefinitionNode['typeCondition']; selectionSet: SelectionSetNode }
        | undefined =
        selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
      if (!fragment || !allowed(fragment.typeCondition?.name.value ?? type, fragment.selectionSet))
        return false;
    }
    return true;
  };
  if (!allowed(undefined, entities.selectionSet) || maxAge === Infinity) return null;
  return { id: createHash('sha1').update(query).digest('base64url').slice(0, 16), maxAge, perCaller };
}
