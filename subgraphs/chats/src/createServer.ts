import { readFileSync } from 'node:fs';
import { createSubgraphServer, type Identity, type TrustedKeys } from '@switchboard/core';
import { pgAdapter } from '@switchboard/db';
import { createLivePublisher } from '@switchboard/messaging';
import { parse } from 'graphql';
import { PrismaClient } from './generated/prisma/client.ts';
import { createLiveQueue, type LiveQueue } from './liveEvents.ts';
import { createLoaders, type Loaders } from './loaders.ts';
import { resolvers } from './resolvers.ts';

export interface ChatsConfig {
  databaseUrl: string;
  /** Where live events are published (design.md, principle 2). */
  redisUrl: string;
  /** Public keys of the issuers of internal identities (the gateway). */
  trustedKeys: TrustedKeys;
  development: boolean;
}

export interface ChatsContext {
  identity: Identity;
  db: PrismaClient;
  /** Per-request batching of reads (loaders.ts). */
  loaders: Loaders;
  /** Live events of the running mutation, published once it succeeded (resolvers.ts). */
  live: LiveQueue;
  /** The live event the gateway is resolving a subscription payload for (subscriptions.ts). */
  liveEvent: unknown;
}

const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

/** Builds the chats subgraph without listening (style.md: no side effects). */
export async function createServer(config: ChatsConfig) {
  const db = new PrismaClient({ adapter: pgAdapter(config.databaseUrl) });
  const publisher = createLivePublisher(config.redisUrl, (message, error) =>
    console.error(`[chats] ${message}`, error ?? ''),
  );
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
    healthCheck: async () => {
      await db.$queryRaw`SELECT 1`;
    },
    dispose: async () => {
      await Promise.all([db.$disconnect(), publisher.close()]);
    },
  });
}
