import { randomBytes, type KeyObject } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEV_INTERNAL_SIGNING_KEYS,
  DEV_INTERNAL_TRUSTED_KEYS,
  DEV_JWT_SECRET,
  GATEWAY_ISSUER,
  parseSigningKey,
  parseTrustedKeys,
  signInternalIdentity,
  type Identity,
  type TrustedKeys,
} from '@switchboard/core';
import { createServer as createChats } from '@switchboard/chats';
import { createGateway, type GatewayConfig, type RunningGateway } from '@switchboard/gateway';
import { createServer as createMedia, DEV_MEDIA_URL_SECRET } from '@switchboard/media';
import { createOutboxRelay, redisAddress, redisConnection, type OutboxRelay } from '@switchboard/messaging';
import type { RunningServer } from '@switchboard/subgraph';
import { LOG_LEVELS, createLogger, setDefaultLogger, type Registry } from '@switchboard/observability';
import { createServer as createPresence, type RunningPresence } from '@switchboard/presence';
import { createServer as createUsers } from '@switchboard/users';
import type { PushTargetOptions } from '@switchboard/users/pushTargets';
import { createWorker } from '@switchboard/worker';
import { DEV_VAPID_PRIVATE_KEY, DEV_VAPID_PUBLIC_KEY } from '../../apps/worker/src/env.ts';

export const SUBGRAPHS = ['users', 'chats', 'media', 'presence'] as const;
export type SubgraphName = (typeof SUBGRAPHS)[number];

export interface StackConfig {
  databaseUrl: string;
  /** A Redis Cluster when REDIS_CLUSTER_NODES is set (`redis-cluster://...`), else REDIS_URL. */
  redisUrl: string;
  /** BullMQ prefix: random per stack, so test files never share queues; hash-tagged for a cluster. */
  queuePrefix: string;
  jwtSecret: string;
  /** The gateway's key for internal identities, and the public keys the subgraphs trust. */
  internalSigningKey: KeyObject;
  trustedKeys: TrustedKeys;
  /** The media service's storage, shared with the worker: a fresh temp directory per stack. */
  mediaStorageDir: string;
  mediaUrlSecret: string;
  /** Hash tag of presence's Redis keys: random per stack, so stacks never sweep each other's users. */
  presenceTag: string;
}

/** Gateway settings a test may change; presence's URL is the stack's own unless given. */
export type GatewayOverrides = Omit<Partial<GatewayConfig>, 'presence'> & {
  presence?: Partial<NonNullable<GatewayConfig['presence']>>;
};

export interface StackOptions extends Partial<StackConfig> {
  /** Run the worker in-process (default true); the outbox relays always run. */
  worker?: boolean;
  /** Extra gateway settings (subscription limits, sharing). */
  gateway?: GatewayOverrides;
  /** Presence's idle time before a user counts as AWAY (default 60 s). */
  awayAfterMs?: number;
  /** Registry the worker reports its queue depth to. */
  workerMetrics?: Registry;
  /** Push targets allowed besides public ones (the fake push service), and a resolver to use. */
  push?: PushTargetOptions;
}

export interface Stack {
  gateway: RunningGateway;
  subgraphs: Record<SubgraphName, RunningServer> & { presence: RunningPresence };
  /** Stops presence and starts a new one on the same ports, as a restart would (`whileDown` runs between). */
  restartPresence(whileDown?: () => Promise<void>): Promise<RunningPresence>;
  /** Another presence process over the same Redis and database (stopped with the stack). */
  startPresence(): Promise<RunningPresence>;
  relays: OutboxRelay[];
  /** Another gateway process over the same subgraphs (stopped with the stack). */
  startGateway(extra?: GatewayOverrides): Promise<RunningGateway>;
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
    // The test file's own database; benchmarks pass theirs (and never load vitest).
    databaseUrl: overrides.databaseUrl ?? (await (await import('./database.ts')).fileDatabaseUrl()),
    redisUrl: redisAddress({
      REDIS_URL: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
      REDIS_CLUSTER_NODES: process.env['REDIS_CLUSTER_NODES'],
    }),
    queuePrefix: `{test-${randomBytes(4).toString('hex')}}`,
    jwtSecret: DEV_JWT_SECRET,
    internalSigningKey: parseSigningKey(DEV_INTERNAL_SIGNING_KEYS.gateway),
    trustedKeys: parseTrustedKeys(DEV_INTERNAL_TRUSTED_KEYS),
    // Created by the storage on first write, removed by stop().
    mediaStorageDir: join(tmpdir(), `switchboard-media-${randomBytes(6).toString('hex')}`),
    mediaUrlSecret: DEV_MEDIA_URL_SECRET,
    presenceTag: randomBytes(4).toString('hex'),
    ...overrides,
  };
}

/** An internal identity token as the gateway would mint it for `audience` (tests that call a subgraph directly). */
export const gatewayToken = (config: StackConfig, identity: Identity, audience: string) =>
  signInternalIdentity(identity, { issuer: GATEWAY_ISSUER, key: config.internalSigningKey, audience });

/**
 * Starts the whole system in-process on free ports against the test file's database: four subgraphs,
 * their outbox relays, the worker, and the gateway in front.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const {
    worker: withWorker = true,
    gateway: _gateway,
    workerMetrics,
    push,
    awayAfterMs = 60_000,
    ...overrides
  } = options;
  // Servers log JSON lines; tests show only warnings and errors unless LOG_LEVEL says otherwise.
  const level = LOG_LEVELS.find((name) => name === process.env['LOG_LEVEL']) ?? 'warn';
  setDefaultLogger(createLogger({ level }));
  const config = await stackConfig(overrides);
  const common = {
    databaseUrl: config.databaseUrl,
    trustedKeys: config.trustedKeys,
    development: true,
  };
  const presenceConfig = {
    ...common,
    redisUrl: config.redisUrl,
    awayAfterMs,
    typingTtlMs: 1_000,
    sweepIntervalMs: 200,
    redisTag: config.presenceTag,
  };
  const [users, chats, media, presence] = await Promise.all([
    createUsers({
      ...common,
      jwtSecret: config.jwtSecret,
      tokenTtlSeconds: 3600,
      ...(push ? { push } : {}),
    }).then((s) => s.listen(0)),
    createChats({ ...common, redisUrl: config.redisUrl }).then((s) => s.listen(0)),
    createMedia({ ...common, storageDir: config.mediaStorageDir, urlSecret: config.mediaUrlSecret }).then(
      (s) => s.listen(0),
    ),
    createPresence({ ...presenceConfig, rpcPort: 0 }).then((s) => s.listen(0)),
  ]);
  const subgraphs = { users, chats, media, presence };
  const extraPresences: RunningPresence[] = [];
  const startGateway = async (extra: GatewayOverrides = {}) =>
    (
      await createGateway({
        supergraphPath: new URL('../../supergraph.graphql', import.meta.url).pathname,
        subgraphUrls: Object.fromEntries(Object.entries(subgraphs).map(([name, s]) => [name, s.url])),
        jwtSecret: config.jwtSecret,
        internalSigningKey: config.internalSigningKey,
        development: true,
        redisUrl: config.redisUrl,
        ...(options.gateway ?? {}),
        ...extra,
        presence: { url: presence.rpcUrl, ...options.gateway?.presence, ...extra.presence },
      })
    ).listen(0);
  const gateway = await startGateway();
  const extraGateways: RunningGateway[] = [];

  const redis = redisConnection(config.redisUrl);
  const relays = SUBGRAPHS.map((schema) =>
    createOutboxRelay({
      databaseUrl: config.databaseUrl,
      schema,
      redis,
      prefix: config.queuePrefix,
      pollIntervalMs: 200,
    }),
  );
  const worker = withWorker
    ? createWorker({
        databaseUrl: config.databaseUrl,
        redisUrl: config.redisUrl,
        prefix: config.queuePrefix,
        vapid,
        ...(push ? { pushTargets: push } : {}),
        mediaStorageDir: config.mediaStorageDir,
        presenceTag: config.presenceTag,
        ...(workerMetrics ? { metrics: workerMetrics } : {}),
      })
    : undefined;
  await Promise.all(relays.map((relay) => relay.start()));
  await worker?.start();

  return {
    gateway,
    subgraphs,
    relays,
    async startGateway(extra) {
      const another = await startGateway(extra);
      extraGateways.push(another);
      return another;
    },
    async restartPresence(whileDown) {
      const { port, rpcPort } = subgraphs.presence;
      await subgraphs.presence.stop();
      await whileDown?.();
      subgraphs.presence = await (await createPresence({ ...presenceConfig, rpcPort })).listen(port);
      return subgraphs.presence;
    },
    async startPresence() {
      const another = await (await createPresence({ ...presenceConfig, rpcPort: 0 })).listen(0);
      extraPresences.push(another);
      return another;
    },
    ...(worker ? { worker } : {}),
    config,
    async stop() {
      await Promise.all([gateway, ...extraGateways].map((g) => g.stop().catch(() => {})));
      await Promise.all([...Object.values(subgraphs), ...extraPresences].map((s) => s.stop()));
      await Promise.all(relays.map((relay) => relay.stop()));
      await worker?.stop();
      redis.disconnect();
      if (!overrides.mediaStorageDir) await rm(config.mediaStorageDir, { recursive: true, force: true });
    },
  };
}
