import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createIdentitySigner, type TrustedKeys } from '@switchboard/core';
import { createSubgraphServer } from '@switchboard/subgraph';
import { pgAdapter } from '@switchboard/db';
import { createLivePublisher, createLiveQueue } from '@switchboard/messaging';
import { defaultLog } from '@switchboard/observability';
import { parse } from 'graphql';
import type { CallsSettings } from './config.ts';
import type { CallsContext } from './context.ts';
import { PrismaClient } from './generated/prisma/client.ts';
import { callInbox } from './inbox.ts';
import { resolvers } from './resolvers.ts';

export type { TurnSettings } from './config.ts';
export { DEV_TURN_SECRET } from './turn/turnCredentials.ts';

export interface CallsConfig extends CallsSettings {
  databaseUrl: string;
  /** Where live events (the signalling) are published. */
  redisUrl: string;
  /** Public keys of the issuers of internal identities (the gateway). */
  trustedKeys: TrustedKeys;
  /** calls' own Ed25519 key: it signs calls' appends to chats' inboxes (issuer `calls`). */
  signingKey: KeyObject;
  /** chats' gRPC server (CHATS_RPC_URL), where each signal is appended to its devices' inboxes. */
  chatsRpcUrl: string | (() => string);
  development: boolean;
  /** Where /metrics is served (a port of its own, never the public one). */
  metricsPort?: number;
}

const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

/** Builds the calls subgraph without listening (conventions.md: no side effects). */
export async function createServer(config: CallsConfig) {
  const db = new PrismaClient({ adapter: pgAdapter(config.databaseUrl, { subgraph: 'calls' }) });
  const publisher = createLivePublisher(config.redisUrl, defaultLog({ service: 'calls' }));
  const settings: CallsSettings = {
    ringTimeoutSeconds: config.ringTimeoutSeconds,
    unattendedTimeoutSeconds: config.unattendedTimeoutSeconds,
    turn: config.turn,
  };
  const inbox = callInbox({
    url: config.chatsRpcUrl,
    signer: createIdentitySigner({ issuer: 'calls', key: config.signingKey }),
  });
  return createSubgraphServer<CallsContext>({
    name: 'calls',
    typeDefs,
    resolvers,
    trustedKeys: config.trustedKeys,
    development: config.development,
    context: (identity, liveEvent) => ({
      identity,
      db,
      settings,
      live: createLiveQueue(publisher),
      inbox,
      liveEvent,
    }),
    // Redis is left out on purpose: without it signalling is lost, but no call record is.
    migrations: { databaseUrl: config.databaseUrl },
    healthCheck: async () => {
      await db.$queryRaw`SELECT 1`;
    },
    dispose: async () => {
      await Promise.all([db.$disconnect(), publisher.close()]);
    },
    ...(config.metricsPort === undefined ? {} : { metricsPort: config.metricsPort }),
  });
}
