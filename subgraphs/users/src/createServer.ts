import { readFileSync } from 'node:fs';
import { createSubgraphServer, type Identity, type TrustedKeys } from '@switchboard/core';
import { pgAdapter } from '@switchboard/db';
import { parse } from 'graphql';
import { PrismaClient } from './generated/prisma/client.ts';
import type { PushTargetOptions } from './pushTargets.ts';
import { resolvers } from './resolvers.ts';
import { createUserLoader, type UserLoader } from './userLoader.ts';

export interface UsersConfig {
  databaseUrl: string;
  /** Public keys of the issuers of internal identities (the gateway). */
  trustedKeys: TrustedKeys;
  development: boolean;
  /** Signs the user tokens handed out by signUp/signIn (the gateway verifies them). */
  jwtSecret: string;
  tokenTtlSeconds: number;
  /** Which push endpoints may be registered (pushTargets.ts): public ones, plus allowed hosts. */
  push?: PushTargetOptions;
}

export interface UsersContext {
  identity: Identity;
  db: PrismaClient;
  config: UsersConfig;
  /** Batches user lookups of one request (entity references, me). */
  users: UserLoader;
}

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
    healthCheck: async () => {
      await db.$queryRaw`SELECT 1`;
    },
    dispose: () => db.$disconnect(),
  });
}
