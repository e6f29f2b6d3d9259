import { randomUUID } from 'node:crypto';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { isCluster, keySlot, redisAddress, redisConnection } from '@switchboard/messaging';
import { afterAll, describe, expect, it } from 'vitest';
import type { GatewayContext } from '../apps/gateway/src/context.ts';
import { createEntityCache } from '../apps/gateway/src/federation/entityCache.ts';

/**
 * The gateway's entity cache shares values between gateway processes through Redis: what one
 * fetched, another (with its own, empty, in-process LRU) finds there. On a Redis Cluster the
 * entities' keys fall in different slots, which one pipeline may not span: every read must still
 * hit (npm run test:cluster runs this against a cluster).
 */
const redis = redisConnection(
  redisAddress({
    REDIS_URL: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
    REDIS_CLUSTER_NODES: process.env['REDIS_CLUSTER_NODES'],
  }),
  { enableAutoPipelining: true },
);
afterAll(() => redis.disconnect());

const cachedFields = new Map([['User.displayName', { maxAge: 60, perCaller: false }]]);
const query =
  'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { displayName } } }';
const fetchOf = (ids: string[]) =>
  ({
    request: { query, variables: { representations: ids.map((id) => ({ __typename: 'User', id })) } },
    incomingRequestContext: {},
    context: { identity: { userId: 'viewer' } },
  }) as unknown as GraphQLDataSourceProcessOptions<GatewayContext>;

/** The users subgraph, answering `_entities`; counts the entities it was asked for. */
function subgraph() {
  const asked: string[] = [];
  const next = async (options: GraphQLDataSourceProcessOptions<GatewayContext>) => {
    const representations = options.request.variables!['representations'] as { id: string }[];
    asked.push(...representations.map((rep) => rep.id));
    return {
      data: {
        _entities: representations.map((rep) => ({ __typename: 'User', displayName: `name ${rep.id}` })),
      },
    };
  };
  return { asked, next };
}

describe('the entity cache in Redis', () => {
  it('serves what one gateway fetched to another, across slots, until the owner invalidates it', async () => {
    const ids = Array.from({ length: 8 }, () => randomUUID());
    if (isCluster(redis))
      expect(new Set(ids.map((id) => keySlot(`switchboard:entity:User:${id}`))).size).toBeGreaterThan(1);

    const first = createEntityCache({ cachedFields, redis });
    const origin = subgraph();
    const answer = await first.fetch('users', fetchOf(ids), origin.next);
    expect(origin.asked).toEqual(ids);
    expect(answer.data!['_entities']).toEqual(
      ids.map((id) => ({ __typename: 'User', displayName: `name ${id}` })),
    );

    // Another gateway process: nothing in its LRU, everything in Redis once the writes landed.
    await expect
      .poll(async () => {
        const other = createEntityCache({ cachedFields, redis });
        const fresh = subgraph();
        const result = await other.fetch('users', fetchOf(ids), fresh.next);
        expect(result.data!['_entities']).toEqual(answer.data!['_entities']);
        return fresh.asked.length;
      })
      .toBe(0);

    // The owner says one changed: every gateway drops it, here and in Redis.
    first.invalidate('User', ids[0]!);
    await expect
      .poll(async () => {
        const third = createEntityCache({ cachedFields, redis });
        const fresh = subgraph();
        await third.fetch('users', fetchOf(ids), fresh.next);
        return fresh.asked;
      })
      .toEqual([ids[0]]);
    for (const id of ids) first.invalidate('User', id);
  });
});
