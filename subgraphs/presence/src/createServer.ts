import { readFileSync } from 'node:fs';
import { createSubgraphServer, type Identity } from '@switchboard/core';
import { pgAdapter } from '@switchboard/db';
import { parse } from 'graphql';
import { PrismaClient } from './generated/prisma/client.ts';
import { resolvers } from './resolvers.ts';

export interface PresenceConfig {
  databaseUrl: string;
  internalSecret: string;
  development: boolean;
}

export interface PresenceContext {
  identity: Identity;
  db: PrismaClient;
}

const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

/** Builds the presence subgraph without listening (style.md: no side effects). */
export async function createServer(config: PresenceConfig) {
  const db = new PrismaClient({ adapter: pgAdapter(config.databaseUrl) });
  return createSubgraphServer<PresenceContext>({
    name: 'presence',
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
