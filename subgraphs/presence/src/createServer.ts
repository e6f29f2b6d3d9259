import { readFileSync } from 'node:fs';
import { createSubgraphServer } from '@switchboard/subgraph';
import { pgAdapter } from '@switchboard/db';
import { createLivePublisher, redisConnection } from '@switchboard/messaging';
import { defaultLog } from '@switchboard/observability';
import { parse } from 'graphql';
import type { PresenceConfig } from './config.ts';
import type { PresenceContext } from './context.ts';
import { PrismaClient } from './generated/prisma/client.ts';
import { createConnections, sweeper } from './connections.ts';
import { createPresenceStore } from './presenceStore.ts';
import { resolvers } from './resolvers.ts';
import { createTypingTimers } from './typing.ts';

export type { PresenceConfig } from './config.ts';

const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

/** Builds the presence subgraph without listening (style.md: no side effects). */
export async function createServer(config: PresenceConfig) {
  const db = new PrismaClient({ adapter: pgAdapter(config.databaseUrl) });
  const redis = redisConnection(config.redisUrl, { maxRetriesPerRequest: 2 });
  const store = createPresenceStore(redis);
  const live = createLivePublisher(config.redisUrl);
  const typing = createTypingTimers(redis, live, config.typingTtlMs);
  const connections = createConnections(db, store, live, config.awayAfterMs);
  return createSubgraphServer<PresenceContext>({
    name: 'presence',
    typeDefs,
    resolvers,
    internalSecret: config.internalSecret,
    development: config.development,
    context: (identity, liveEvent) => ({ identity, db, store, live, typing, connections, config, liveEvent }),
    background: sweeper(connections, config.sweepIntervalMs ?? 1000, defaultLog({ service: 'presence' })),
    healthCheck: async () => {
      await Promise.all([db.$queryRaw`SELECT 1`, redis.ping()]);
    },
    dispose: async () => {
      typing.stop();
      await Promise.all([db.$disconnect(), live.close()]);
      redis.disconnect();
    },
  });
}
