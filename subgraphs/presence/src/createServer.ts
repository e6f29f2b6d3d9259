import { readFileSync } from 'node:fs';
import { createSubgraphServer, type RunningServer } from '@switchboard/subgraph';
import { createIdentitySigner } from '@switchboard/core';
import { pgAdapter } from '@switchboard/db';
import { createLivePublisher, redisConnection } from '@switchboard/messaging';
import {
  createMetricsRegistry,
  defaultLog,
  presenceStreamMetrics,
  type PresenceStreamStats,
} from '@switchboard/observability';
import { parse } from 'graphql';
import { chatMemberOf } from './chatMember.ts';
import type { PresenceConfig } from './config.ts';
import type { PresenceContext } from './context.ts';
import { PrismaClient } from './generated/prisma/client.ts';
import { createConnections, sweeper } from './connections.ts';
import { presenceService } from './presenceService.ts';
import { createPresenceStore, presenceKeyPrefix } from './presenceStore.ts';
import { resolvers } from './resolvers.ts';
import { createTypingTimers } from './typing.ts';

export type { PresenceConfig } from './config.ts';

const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

export interface RunningPresence extends RunningServer {
  /** Base URL of the gRPC server (PRESENCE_RPC_URL of the gateways and the worker). */
  rpcUrl: string;
  rpcPort: number;
}

/**
 * Builds the presence subgraph without listening (conventions.md: no side effects): GraphQL for the
 * gateway's queries and subscription payloads, and a gRPC port for the gateways' connection streams.
 */
export async function createServer(config: PresenceConfig) {
  const db = new PrismaClient({ adapter: pgAdapter(config.databaseUrl, { subgraph: 'presence' }) });
  const redis = redisConnection(config.redisUrl, { maxRetriesPerRequest: 2 });
  const store = createPresenceStore(redis, { tag: config.redisTag });
  const live = createLivePublisher(config.redisUrl);
  const typing = createTypingTimers(redis, live, config.typingTtlMs, presenceKeyPrefix(config.redisTag));
  const connections = createConnections(db, store, live, config.awayAfterMs);
  const stats: PresenceStreamStats = {
    streamsOpen: 0,
    batches: 0,
    changes: { OPENED: 0, ACTIVE: 0, CLOSED: 0 },
  };
  const metrics = createMetricsRegistry({ service: 'presence' });
  presenceStreamMetrics(metrics, stats);
  const rpc = presenceService(connections, store, stats);
  const chatMember = chatMemberOf({
    chatsRpcUrl: config.chatsRpcUrl,
    signer: createIdentitySigner({ issuer: 'presence', key: config.signingKey }),
  });
  const server = await createSubgraphServer<PresenceContext>({
    name: 'presence',
    typeDefs,
    resolvers,
    trustedKeys: config.trustedKeys,
    development: config.development,
    context: (identity, liveEvent) => ({ identity, db, store, live, typing, config, chatMember, liveEvent }),
    observability: { metrics },
    rpc: { port: config.rpcPort, routes: (router) => router.service(rpc.service, rpc.impl) },
    ...(config.metricsPort === undefined ? {} : { metricsPort: config.metricsPort }),
    background: sweeper(connections, config.sweepIntervalMs ?? 1000, defaultLog({ service: 'presence' })),
    migrations: { databaseUrl: config.databaseUrl },
    healthCheck: async () => {
      await Promise.all([db.$queryRaw`SELECT 1`, redis.ping()]);
    },
    dispose: async () => {
      typing.stop();
      await Promise.all([db.$disconnect(), live.close()]);
      redis.disconnect();
    },
  });
  return {
    app: server.app,
    async listen(port: number, host = '127.0.0.1'): Promise<RunningPresence> {
      const running = await server.listen(port, host);
      return { ...running, rpcUrl: running.rpcUrl!, rpcPort: running.rpcPort! };
    },
  };
}
