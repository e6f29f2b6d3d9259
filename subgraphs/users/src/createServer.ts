import { readFileSync } from 'node:fs';
import { createSubgraphServer } from '@switchboard/subgraph';
import { pgAdapter } from '@switchboard/db';
import { parse } from 'graphql';
import type { UsersConfig } from './config.ts';
import type { UsersContext } from './context.ts';
import { PrismaClient } from './generated/prisma/client.ts';
import { resolvers } from './resolvers.ts';
import { createUserLoader } from './userLoader.ts';

export type { UsersConfig } from './config.ts';

const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

/** Builds the users subgraph without listening (style.md: no side effects). */
export async function createServer(config: UsersConfig) {
  const db = new PrismaClient({ adapter: pgAdapter(config.databaseUrl) });
  return createSubgraphServer<UsersContext>({
    name: 'users',
    typeDefs,
    resolvers,
    trustedKeys: config.trustedKeys,
    development: config.development,
    context: (identity) => ({ identity, db, config, users: createUserLoader(db) }),
    migrations: { databaseUrl: config.databaseUrl },
    healthCheck: async () => {
      await db.$queryRaw`SELECT 1`;
    },
    dispose: () => db.$disconnect(),
  });
}
