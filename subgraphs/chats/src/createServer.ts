import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createClient } from '@connectrpc/connect';
import { createIdentitySigner, type TrustedKeys } from '@switchboard/core';
import { createSubgraphServer } from '@switchboard/subgraph';
import { pgAdapter } from '@switchboard/db';
import { createLivePublisher } from '@switchboard/messaging';
import { defaultLog } from '@switchboard/observability';
import { createRpcTransport } from '@switchboard/rpc';
import { UsersService } from '@switchboard/rpc/users/v1';
import { parse } from 'graphql';
import { chatsService } from './chatsService.ts';
import type { ChatsContext } from './context.ts';
import { PrismaClient } from './generated/prisma/client.ts';
import { createLiveQueue } from './liveEvents.ts';
import { schedulePruning } from './inboxRetention.ts';
import { createLoaders } from './loaders.ts';
import { resolvers } from './resolvers.ts';
import { createUserDirectory } from './userDirectory.ts';

export interface ChatsConfig {
  /** chats' database (DATABASE_URL_CHATS, else DATABASE_URL); used as the switchboard_chats role. */
  databaseUrl: string;
  /** Where live events are published (architecture.md, principle 2). */
  redisUrl: string;
  /** Public keys of the issuers of internal identities (the gateway; users on the gRPC plane). */
  trustedKeys: TrustedKeys;
  /** chats' own Ed25519 key: it signs chats' calls to users (which ids exist). */
  signingKey: KeyObject;
  /** users' gRPC server (USERS_RPC_URL). */
  usersRpcUrl: string | (() => string);
  /** Port of chats' gRPC server, where users tells it of blocks (RPC_PORT; 0: any free port). */
  rpcPort: number;
  /** How long inbox entries are kept at least (INBOX_RETENTION_DAYS, default 7). */
  inboxRetentionDays?: number;
  /** Port of `/metrics` (METRICS_PORT; 0 or absent: any free port). */
  metricsPort?: number;
  development: boolean;
}

/** A call that must hold before a mutation answers: short, the client is waiting. */
const SYNC_CALL_TIMEOUT_MS = 2_000;

const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

/** Builds the chats subgraph without listening (conventions.md: no side effects). */
export async function createServer(config: ChatsConfig) {
  const db = new PrismaClient({ adapter: pgAdapter(config.databaseUrl, { subgraph: 'chats' }) });
  const publisher = createLivePublisher(config.redisUrl, defaultLog({ service: 'chats' }));
  const signer = createIdentitySigner({ issuer: 'chats', key: config.signingKey });
  const users = createUserDirectory(
    createClient(
      UsersService,
      createRpcTransport({
        baseUrl: config.usersRpcUrl,
        audience: 'users',
        signer,
        defaultTimeoutMs: SYNC_CALL_TIMEOUT_MS,
      }),
    ),
  );
  const rpc = chatsService(db, publisher);
  const stopPruning = schedulePruning(db, {
    ...(config.inboxRetentionDays === undefined ? {} : { retentionDays: config.inboxRetentionDays }),
    log: defaultLog({ service: 'chats' }),
  });
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
      users,
    }),
    rpc: { port: config.rpcPort, routes: (router) => router.service(rpc.service, rpc.impl) },
    ...(config.metricsPort === undefined ? {} : { metricsPort: config.metricsPort }),
    // Redis is left out on purpose: without it live events are lost, but nothing stored is.
    migrations: { databaseUrl: config.databaseUrl },
    healthCheck: async () => {
      await db.$queryRaw`SELECT 1`;
    },
    dispose: async () => {
      stopPruning();
      await Promise.all([db.$disconnect(), publisher.close()]);
    },
  });
}
