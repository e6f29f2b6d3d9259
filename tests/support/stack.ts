import { randomBytes } from 'node:crypto';
import { DEV_INTERNAL_SECRET, DEV_JWT_SECRET, type RunningServer } from '@switchboard/core';
import { createServer as createChats } from '@switchboard/chats';
import { createGateway, type RunningGateway } from '@switchboard/gateway';
import { createServer as createMedia } from '@switchboard/media';
import { createOutboxRelay, redisConnection, type OutboxRelay } from '@switchboard/messaging';
import { createServer as createPresence } from '@switchboard/presence';
import { createServer as createUsers } from '@switchboard/users';
import { createWorker } from '@switchboard/worker';
import { DEV_VAPID_PRIVATE_KEY, DEV_VAPID_PUBLIC_KEY } from '../../apps/worker/src/env.ts';
import { fileDatabaseUrl } from './database.ts';

export const SUBGRAPHS = ['users', 'chats', 'media', 'presence'] as const;
export type SubgraphName = (typeof SUBGRAPHS)[number];

export interface StackConfig {
  databaseUrl: string;
  redisUrl: string;
  /** BullMQ prefix: random per stack, so test files never share queues. */
  queuePrefix: string;
  jwtSecret: string;
  internalSecret: string;
}

export interface StackOptions extends Partial<StackConfig> {
  /** Run the worker in-process (default true); the outbox relays always run. */
  worker?: boolean;
}

export interface Stack {
  gateway: RunningGateway;
  subgraphs: Record<SubgraphName, RunningServer>;
  relays: OutboxRelay[];
  worker?: ReturnType<typeof createWorker>;
  config: StackConfig;
  stop(): Promise<void>;
}

export const vapid = {
  subject: 'mailto:test@localhost',
  publicKey: DEV_VAPID_PUBLIC_KEY,
  privateKey: DEV_VAPID_PRIVATE_KEY,
};

export async function stackConfig(overrides: Partial<StackConfig> = {}): Promise<StackConfig> {
  return {
    databaseUrl: await fileDatabaseUrl(),
    redisUrl: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
    queuePrefix: `test-${randomBytes(4).toString('hex')}`,
    jwtSecret: DEV_JWT_SECRET,
    internalSecret: DEV_INTERNAL_SECRET,
    ...overrides,
  };
}

/**
 * Starts the whole system in-process on free ports against the test file's database: four subgraphs,
 * their outbox relays, the worker, and the gateway in front.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const { worker: withWorker = true, ...overrides } = options;
  const config = await stackConfig(overrides);
  const common = {
    databaseUrl: config.databaseUrl,
    internalSecret: config.internalSecret,
    development: true,
  };
  const [users, chats, media, presence] = await Promise.all([
    createUsers({ ...common, jwtSecret: config.jwtSecret, tokenTtlSeconds: 3600 }).then((s) => s.listen(0)),
    createChats(common).then((s) => s.listen(0)),
    createMedia(common).then((s) => s.listen(0)),
    createPresence({ ...common, redisUrl: config.redisUrl, awayAfterMs: 60_000, typingTtlMs: 1_000 }).then((s) =>
      s.listen(0),
    ),
  ]);
  const subgraphs = { users, chats, media, presence };
  const gateway = await (
    await createGateway({
      supergraphPath: new URL('../../supergraph.graphql', import.meta.url).pathname,
      subgraphUrls: Object.fromEntries(Object.entries(subgraphs).map(([name, s]) => [name, s.url])),
      jwtSecret: config.jwtSecret,
      internalSecret: config.internalSecret,
      development: true,
    })
  ).listen(0);

  const redis = redisConnection(config.redisUrl);
  const relays = SUBGRAPHS.map((schema) =>
    createOutboxRelay({ databaseUrl: config.databaseUrl, schema, redis, prefix: config.queuePrefix, pollIntervalMs: 200 }),
  );
  const worker = withWorker
    ? createWorker({ databaseUrl: config.databaseUrl, redisUrl: config.redisUrl, prefix: config.queuePrefix, vapid })
    : undefined;
  await Promise.all(relays.map((relay) => relay.start()));
  await worker?.start();

  return {
    gateway,
    subgraphs,
    relays,
    ...(worker ? { worker } : {}),
    config,
    async stop() {
      await gateway.stop();
      await Promise.all(Object.values(subgraphs).map((s) => s.stop()));
      await Promise.all(relays.map((relay) => relay.stop()));
      await worker?.stop();
      redis.disconnect();
    },
  };
}
