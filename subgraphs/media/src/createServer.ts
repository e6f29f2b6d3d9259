import { readFileSync } from 'node:fs';
import { createSubgraphServer, type Identity } from '@switchboard/core';
import { pgAdapter } from '@switchboard/db';
import { parse } from 'graphql';
import { PrismaClient } from './generated/prisma/client.ts';
import { resolvers } from './resolvers.ts';

export interface MediaConfig {
  databaseUrl: string;
  internalSecret: string;
  development: boolean;
}

export interface MediaContext {
  identity: Identity;
  db: PrismaClient;
}

const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

/** Builds the media subgraph without listening (style.md: no side effects). */
export async function createServer(config: MediaConfig) {
  const db = new PrismaClient({ adapter: pgAdapter(config.databaseUrl) });
  return createSubgraphServer<MediaContext>({
    name: 'media',
    typeDefs,
    resolvers,
    internalSecret: config.internalSecret,
    development: config.development,
    context: (identity) => ({ identity, db }),
    healthCheck: async () => {
      await db.$queryRaw`SELECT 1`;
    },
    dispose: () => db.$disconnect(),
  });
}
