import { readFileSync } from 'node:fs';
import type { TrustedKeys } from '@switchboard/core';
import { createSubgraphServer } from '@switchboard/subgraph';
import { pgAdapter } from '@switchboard/db';
import { createLivePublisher } from '@switchboard/messaging';
import { defaultLog } from '@switchboard/observability';
import { parse } from 'graphql';
import type { ChatsContext } from './context.ts';
import { PrismaClient } from './generated/prisma/client.ts';
import { createLiveQueue } from './liveEvents.ts';
import { createLoaders } from './loaders.ts';
import { resolvers } from './resolvers.ts';

export interface ChatsConfig {
  databaseUrl: string;
  /** Where live events are published (design.md, principle 2). */
  redisUrl: string;
  /** Public keys of the issuers of internal identities (the gateway). */
  trustedKeys: TrustedKeys;
  development: boolean;
}

const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

/** Builds the chats subgraph without listening (style.md: no side effects). */
export async function createServer(config: ChatsConfig) {
  const db = new PrismaClient({ adapter: pgAdapter(config.databaseUrl) });
  const publisher = createLivePublisher(config.redisUrl, defaultLog({ service: 'chats' }));
  return createSubgraphServer<ChatsContext>({
    name: 'chats',
    typeDefs,
    resolvers,
    trustedKeys: config.trustedKeys,
    development: config.development,
    context: (identity, liveEvent) => ({
      identity,
      db,
      loaders: createLoaders(db, identity),
      live: createLiveQueue(publisher),
      liveEvent,
    }),
    // Redis is left out on purpose: without it live events are lost, but nothing stored is.
    migrations: { databaseUrl: config.databaseUrl },
    healthCheck: async () => {
      await db.$queryRaw`SELECT 1`;
    },
    dispose: async () => {
      await Promise.all([db.$disconnect(), publisher.close()]);
    },
  });
}
