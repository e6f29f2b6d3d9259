import { readFileSync } from 'node:fs';
import { createClient } from '@connectrpc/connect';
import { createIdentitySigner } from '@switchboard/core';
import { createSubgraphServer } from '@switchboard/subgraph';
import { pgAdapter } from '@switchboard/db';
import { createLivePublisher } from '@switchboard/messaging';
import { createRpcTransport } from '@switchboard/rpc';
import { ChatsService } from '@switchboard/rpc/chats/v1';
import { parse } from 'graphql';
import type { UsersConfig } from './config.ts';
import type { UsersContext } from './context.ts';
import { PrismaClient } from './generated/prisma/client.ts';
import { resolvers } from './resolvers.ts';
import { createUserLoader } from './userLoader.ts';
import { usersService } from './usersService.ts';

export type { UsersConfig } from './config.ts';

const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

/** A call that must hold before a mutation answers: short, the client is waiting. */
const SYNC_CALL_TIMEOUT_MS = 2_000;

/** Builds the users subgraph without listening (conventions.md: no side effects). */
export async function createServer(config: UsersConfig) {
  const db = new PrismaClient({ adapter: pgAdapter(config.databaseUrl, { subgraph: 'users' }) });
  const live = config.redisUrl ? createLivePublisher(config.redisUrl) : undefined;
  const signer = createIdentitySigner({ issuer: 'users', key: config.signingKey });
  const chats = createClient(
    ChatsService,
    createRpcTransport({
      baseUrl: config.chatsRpcUrl,
      audience: 'chats',
      signer,
      defaultTimeoutMs: SYNC_CALL_TIMEOUT_MS,
    }),
  );
  const rpc = usersService(db);
  return createSubgraphServer<UsersContext>({
    name: 'users',
    typeDefs,
    resolvers,
    trustedKeys: config.trustedKeys,
    development: config.development,
    context: (identity) => ({
      identity,
      db,
      config,
      users: createUserLoader(db),
      chats,
      ...(live ? { live } : {}),
    }),
    rpc: { port: config.rpcPort, routes: (router) => router.service(rpc.service, rpc.impl) },
    ...(config.metricsPort === undefined ? {} : { metricsPort: config.metricsPort }),
    migrations: { databaseUrl: config.databaseUrl },
    healthCheck: async () => {
      await db.$queryRaw`SELECT 1`;
    },
    dispose: async () => {
      await Promise.all([db.$disconnect(), live?.close()]);
    },
  });
}
