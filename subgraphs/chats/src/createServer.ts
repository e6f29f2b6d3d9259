import { readFileSync } from 'node:fs';
import { createSubgraphServer, type Identity } from '@switchboard/core';
import { pgAdapter } from '@switchboard/db';
import { parse } from 'graphql';
import { PrismaClient } from './generated/prisma/client.ts';
import { createLoaders, type Loaders } from './loaders.ts';
import { resolvers } from './resolvers.ts';

export interface ChatsConfig {
  databaseUrl: string;
  internalSecret: string;
  development: boolean;
}

export interface ChatsContext {
  identity: Identity;
  db: PrismaClient;
  /** Per-request batching of reads (loaders.ts). */
  loaders: Loaders;
}

const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

/** Builds the chats subgraph without listening (style.md: no side effects). */
export async function createServer(config: ChatsConfig) {
  const db = new PrismaClient({ adapter: pgAdapter(config.databaseUrl) });
  return createSubgraphServer<ChatsContext>({
    name: 'chats',
    typeDefs,
    resolvers,
    internalSecret: config.internalSecret,
    development: config.development,
    context: (identity) => ({ identity, db, loaders: createLoaders(db, identity.userId) }),
    healthCheck: async () => {
      await db.$queryRaw`SELECT 1`;
    },
    dispose: () => db.$disconnect(),
  });
}
