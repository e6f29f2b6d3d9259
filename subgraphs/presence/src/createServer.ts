import { readFileSync } from 'node:fs';
import { createSubgraphServer, type Identity, type TrustedKeys } from '@switchboard/core';
import { pgAdapter } from '@switchboard/db';
import { createLivePublisher, redisConnection, type LivePublisher } from '@switchboard/messaging';
import { parse } from 'graphql';
import { PrismaClient } from './generated/prisma/client.ts';
import { createConnections, sweeper, type Connections } from './connections.ts';
import { createPresenceStore, type PresenceStore } from './presenceStore.ts';
import { resolvers } from './resolvers.ts';
import { createTypingTimers, type TypingTimers } from './typing.ts';

export interface PresenceConfig {
  databaseUrl: string;
  redisUrl: string;
  /** Public keys of the issuers of internal identities (the gateway). */
  trustedKeys: TrustedKeys;
  development: boolean;
  /** A user online but idle this long is AWAY. */
  awayAfterMs: number;
  /** A typing indicator not renewed within this time ends by itself. */
  typingTtlMs: number;
  /** How often expired connections are looked for (and their users announced offline). */
  sweepIntervalMs?: number;
}

export interface PresenceContext {
  identity: Identity;
  db: PrismaClient;
  store: PresenceStore;
  live: LivePublisher;
  typing: TypingTimers;
  connections: Connections;
  config: PresenceConfig;
  /** The live event a subscription payload is being resolved for (from the gateway). */
  liveEvent: unknown;
}

const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

/** Builds the presence subgraph without listening (style.md: no side effects). */
export async function createServer(config: PresenceConfig) {
  const db = new PrismaClient({ adapter: pgAdapter(config.databaseUrl) });
  const redis = redisConnection(config.redisUrl, { maxRetriesPerRequest: 2 });
  const store = createPresenceStore(redis);
  const live = createLivePublisher(config.redisUrl);
  const typing = createTypingTimers(redis, live, config.typingTtlMs);
  const connections = createConnections(db, store, live, config.awayAfterMs);
  return createSubgraphServer<PresenceContext>({
    name: 'presence',
    typeDefs,
    resolvers,
    trustedKeys: config.trustedKeys,
    development: config.development,
    context: (identity, liveEvent) => ({ identity, db, store, live, typing, connections, config, liveEvent }),
    background: sweeper(connections, config.sweepIntervalMs ?? 1000, (message, error) =>
      console.error(`[presence] ${message}`, error ?? ''),
    ),
    healthCheck: async () => {
      await Promise.all([db.$queryRaw`SELECT 1`, redis.ping()]);
    },
    dispose: async () => {
      typing.stop();
      await Promise.all([db.$disconnect(), live.close()]);
      redis.disconnect();
    },
  });
}
