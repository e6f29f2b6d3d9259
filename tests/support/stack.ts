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
import { createServer as createCalls, DEV_TURN_SECRET, type TurnSettings } from '@switchboard/calls';
import { createServer as createChats } from '@switchboard/chats';
import { createGateway, type GatewayConfig, type RunningGateway } from '@switchboard/gateway';
import { createServer as createMedia, DEV_MEDIA_URL_SECRET } from '@switchboard/media';
import { setDatabasePoolSize } from '@switchboard/db';
import { createOutboxRelay, redisAddress, redisConnection, type OutboxRelay } from '@switchboard/messaging';
import type { RunningServer } from '@switchboard/subgraph';
import { LOG_LEVELS, createLogger, setDefaultLogger, type Registry } from '@switchboard/observability';
import { createServer as createPresence, type RunningPresence } from '@switchboard/presence';
import { createServer as createUsers } from '@switchboard/users';
import type { PushTargetOptions } from '@switchboard/users/pushTargets';
import { createWorker, type WorkerConfig } from '@switchboard/worker';
import { DEV_VAPID_PRIVATE_KEY, DEV_VAPID_PUBLIC_KEY } from '../../apps/worker/src/env.ts';

export const SUBGRAPHS = ['users', 'chats', 'media', 'presence', 'calls'] as const;
export type SubgraphName = (typeof SUBGRAPHS)[number];

export interface StackConfig {
  /** The shared database: every subgraph's, unless `databaseUrls` gives one its own. */
  databaseUrl: string;
  /** Each subgraph's database (DATABASE_URL_<SUBGRAPH> split them; else all `databaseUrl`). */
  databaseUrls: Record<SubgraphName, string>;
  /** A Redis Cluster when REDIS_CLUSTER_NODES is set (`redis-cluster://...`), else REDIS_URL. */
  redisUrl: string;
  /** BullMQ prefix: random per stack, so test files never share queues; hash-tagged for a cluster. */
  queuePrefix: string;
  jwtSecret: string;
  /** The gateway's key for internal identities, and the public keys the subgraphs trust. */
  internalSigningKey: KeyObject;
  trustedKeys: TrustedKeys;
  /** The signing keys of the services that make calls of their own on the gRPC plane. */
  serviceKeys: Record<'users' | 'chats' | 'calls' | 'presence' | 'worker', KeyObject>;
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
  /**
   * calls: how long a call rings before it is MISSED (default 45 s), how long an ACTIVE call with
   * neither side connected lasts before it is FAILED (default 60 s), and its TURN settings.
   */
  calls?: { ringTimeoutSeconds?: number; unattendedTimeoutSeconds?: number; turn?: Partial<TurnSettings> };
  /** The size of each database pool (default: 2 under vitest, else 10). */
  databasePoolSize?: number;
}

/**
 * Connections each pool of a test stack may open. A stack has 5 subgraph pools, 5 outbox relays
 * (2 each) and 8 worker handler pools: at most 5 × 2 + 5 × 2 + 8 × 2 = 36, and a test file's own
 * clients (1 or 2 each) besides; vitest runs 2 files at once (vitest.config.ts), so the suite
 * stays under 2 × 45 = 90 of Postgres' default max_connections (100).
 */
export const TEST_DATABASE_POOL_SIZE = 2;

export interface Stack {
  gateway: RunningGateway;
  subgraphs: Record<SubgraphName, RunningServer> & { presence: RunningPresence };
  /** Stops users or chats and starts it again on the same ports (`whileDown` runs between). */
  restart(name: 'users' | 'chats', whileDown?: () => Promise<void>): Promise<RunningServer>;
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
  // The test file's own databases; benchmarks pass theirs (and never load vitest).
  const databaseUrls =
    overrides.databaseUrls ??
    (overrides.databaseUrl
      ? (Object.fromEntries(SUBGRAPHS.map((name) => [name, overrides.databaseUrl])) as Record<
          SubgraphName,
          string
        >)
      : await (await import('./database.ts')).fileDatabaseUrls());
  return {
    databaseUrl: overrides.databaseUrl ?? databaseUrls.users,
    databaseUrls,
    redisUrl: redisAddress({
      REDIS_URL: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
      REDIS_CLUSTER_NODES: process.env['REDIS_CLUSTER_NODES'],
    }),
    queuePrefix: `{test-${randomBytes(4).toString('hex')}}`,
    jwtSecret: DEV_JWT_SECRET,
    internalSigningKey: parseSigningKey(DEV_INTERNAL_SIGNING_KEYS.gateway),
    trustedKeys: parseTrustedKeys(DEV_INTERNAL_TRUSTED_KEYS),
    serviceKeys: {
      users: parseSigningKey(DEV_INTERNAL_SIGNING_KEYS.users),
      chats: parseSigningKey(DEV_INTERNAL_SIGNING_KEYS.chats),
      calls: parseSigningKey(DEV_INTERNAL_SIGNING_KEYS.calls),
      presence: parseSigningKey(DEV_INTERNAL_SIGNING_KEYS.presence),
      worker: parseSigningKey(DEV_INTERNAL_SIGNING_KEYS.worker),
    },
    // Created by the storage on first write, removed by stop().
    mediaStorageDir: join(tmpdir(), `switchboard-media-${randomBytes(6).toString('hex')}`),
    mediaUrlSecret: DEV_MEDIA_URL_SECRET,
    presenceTag: randomBytes(4).toString('hex'),
    ...overrides,
  };
}

/**
 * The worker's own identity, for a worker started without a stack: it only signs the push
 * handler's calls to presence, which a test with no MessageSent events never makes.
 */
export const standaloneWorkerIdentity = (config: StackConfig) => ({
  signingKey: config.serviceKeys.worker,
  presenceRpcUrl: 'http://127.0.0.1:9',
  chatsRpcUrl: 'http://127.0.0.1:9',
});

/**
 * The worker as a stack runs it, against that stack's databases, Redis, queues, presence and chats
 * (tests that stop and start a worker of their own add `log` or the like). Without chats' gRPC URL
 * (a test whose worker ends no call), the worker's calls to chats fail.
 */
export const workerConfig = (
  config: StackConfig,
  presenceRpcUrl: string,
  chatsRpcUrl: string | (() => string) = 'http://127.0.0.1:9',
): WorkerConfig => ({
  databaseUrl: config.databaseUrl,
  databaseUrls: config.databaseUrls,
  signingKey: config.serviceKeys.worker,
  presenceRpcUrl,
  chatsRpcUrl,
  redisUrl: config.redisUrl,
  prefix: config.queuePrefix,
  vapid,
  mediaStorageDir: config.mediaStorageDir,
});

/** An internal identity token as the gateway would mint it for `audience` (tests that call a subgraph directly). */
export const gatewayToken = (config: StackConfig, identity: Identity, audience: string) =>
  signInternalIdentity(identity, { issuer: GATEWAY_ISSUER, key: config.internalSigningKey, audience });

/**
 * Starts the whole system in-process on free ports against the test file's database: five subgraphs,
 * their outbox relays, the worker, and the gateway in front.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const {
    worker: withWorker = true,
    gateway: _gateway,
    workerMetrics,
    push,
    awayAfterMs = 60_000,
    calls: callsOptions,
    databasePoolSize,
    ...overrides
  } = options;
  // Servers log JSON lines; tests show only warnings and errors unless LOG_LEVEL says otherwise.
  const level = LOG_LEVELS.find((name) => name === process.env['LOG_LEVEL']) ?? 'warn';
  setDefaultLogger(createLogger({ level }));
  // Each pool of the stack (all in this process) opens at most this many connections: under
  // vitest 2, so the suite stays within its budget (README, "Databases"); benchmarks keep 10.
  setDatabasePoolSize(databasePoolSize ?? (process.env['VITEST'] ? TEST_DATABASE_POOL_SIZE : 10));
  const config = await stackConfig(overrides);
  const common = { trustedKeys: config.trustedKeys, development: true };
  // users and chats call each other over gRPC: each reads the other's URL on its first call.
  const rpcUrl = (name: 'users' | 'chats') => () => {
    const url = subgraphs[name].rpcUrl;
    if (!url) throw new Error(`${name} has no gRPC server`);
    return url;
  };
  const presenceConfig = {
    ...common,
    databaseUrl: config.databaseUrls.presence,
    redisUrl: config.redisUrl,
    signingKey: config.serviceKeys.presence,
    chatsRpcUrl: rpcUrl('chats'),
    awayAfterMs,
    typingTtlMs: 1_000,
    sweepIntervalMs: 200,
    redisTag: config.presenceTag,
  };
  const startUsers = (port = 0, rpcPort = 0) =>
    createUsers({
      ...common,
      redisUrl: config.redisUrl,
      databaseUrl: config.databaseUrls.users,
      signingKey: config.serviceKeys.users,
      chatsRpcUrl: rpcUrl('chats'),
      rpcPort,
      jwtSecret: config.jwtSecret,
      tokenTtlSeconds: 3600,
      ...(push ? { push } : {}),
    }).then((s) => s.listen(port));
  const startChats = (port = 0, rpcPort = 0) =>
    createChats({
      ...common,
      databaseUrl: config.databaseUrls.chats,
      redisUrl: config.redisUrl,
      signingKey: config.serviceKeys.chats,
      usersRpcUrl: rpcUrl('users'),
      rpcPort,
    }).then((s) => s.listen(port));
  const [users, chats, media, presence, calls] = await Promise.all([
    startUsers(),
    startChats(),
    createMedia({
      ...common,
      databaseUrl: config.databaseUrls.media,
      storageDir: config.mediaStorageDir,
      urlSecret: config.mediaUrlSecret,
    }).then((s) => s.listen(0)),
    createPresence({ ...presenceConfig, rpcPort: 0 }).then((s) => s.listen(0)),
    createCalls({
      ...common,
      databaseUrl: config.databaseUrls.calls,
      redisUrl: config.redisUrl,
      signingKey: config.serviceKeys.calls,
      chatsRpcUrl: rpcUrl('chats'),
      ringTimeoutSeconds: callsOptions?.ringTimeoutSeconds ?? 45,
      unattendedTimeoutSeconds: callsOptions?.unattendedTimeoutSeconds ?? 60,
      turn: {
        secret: DEV_TURN_SECRET,
        urls: [],
        stunUrls: [],
        credentialTtlSeconds: 3600,
        ...callsOptions?.turn,
      },
    }).then((s) => s.listen(0)),
  ]);
  const subgraphs: Stack['subgraphs'] = { users, chats, media, presence, calls };
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
        users: { url: users.rpcUrl! },
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
      databaseUrl: config.databaseUrls[schema],
      schema,
      redis,
      prefix: config.queuePrefix,
      pollIntervalMs: 200,
    }),
  );
  const worker = withWorker
    ? createWorker({
        ...workerConfig(config, presence.rpcUrl, rpcUrl('chats')),
        ...(push ? { pushTargets: push } : {}),
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
    async restart(name, whileDown) {
      const { port, rpcPort } = subgraphs[name];
      await subgraphs[name].stop();
      try {
        await whileDown?.();
      } finally {
        // Back up even when an assertion failed meanwhile, so the file's other tests still run.
        subgraphs[name] = await (name === 'users' ? startUsers : startChats)(port, rpcPort);
      }
      return subgraphs[name];
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
