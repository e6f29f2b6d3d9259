import type { KeyObject } from 'node:crypto';
import { openCallsProjections } from '@switchboard/calls/events';
import { callInbox, openRingTimeouts } from '@switchboard/calls/jobs';
import { openChatsProjections } from '@switchboard/chats/events';
import { openMediaEntityChanges } from '@switchboard/media/entityChanges';
import { createIdentitySigner } from '@switchboard/core';
import { openMediaProjections } from '@switchboard/media/events';
import { DEV_MEDIA_STORAGE_DIR, openMediaProcessing } from '@switchboard/media/jobs';
import {
  checkEvictionPolicy,
  createConsumer,
  logRedisErrors,
  redisConnection,
  type ConsumerQueue,
  type EventHandler,
} from '@switchboard/messaging';
import { defaultLog, queueMetrics, type Registry } from '@switchboard/observability';
import { openPresenceProjections } from '@switchboard/presence/events';
import { openUserEntityChanges } from '@switchboard/users/entityChanges';
import { openUsersProjections } from '@switchboard/users/events';
import { openPushNotifications, presenceLive, type VapidConfig } from '@switchboard/users/jobs';
import type { PushTargetOptions } from '@switchboard/users/pushTargets';
import { Queue, type Worker } from 'bullmq';

export interface WorkerConfig {
  /** The shared database: each handler uses its owner's (`databaseUrls`) if given, else this. */
  databaseUrl: string;
  /**
   * Each subgraph's own database (DATABASE_URL_<SUBGRAPH>): a handler runs against its owner's,
   * as its owner's role, and never touches another subgraph's data.
   */
  databaseUrls?: Partial<Record<string, string>>;
  /** The worker's Ed25519 key: it signs its calls to presence and chats. */
  signingKey: KeyObject;
  /** presence's gRPC server (PRESENCE_RPC_URL): who is online, before a push is sent or a call left alone. */
  presenceRpcUrl: string;
  /**
   * chats' gRPC server (CHATS_RPC_URL): the ENDED of a call calls' jobs end, on every device's
   * inbox; which devices are owed a push.
   */
  chatsRpcUrl: string | (() => string);
  redisUrl: string;
  /** BullMQ key prefix, the same the relays use. */
  prefix: string;
  vapid: VapidConfig;
  /** Where push notifications may go: public push services, plus allowed hosts in development. */
  pushTargets?: PushTargetOptions;
  /** How long a claim on a push holds before another attempt takes it over (default 30 s). */
  pushClaimLeaseMs?: number;
  /**
   * The push sweep (README, "Push notifications"): every `intervalMs` (default 5 s), at most `batch`
   * devices (200) whose owed entries are older than `graceMs` (10 s).
   */
  pushSweep?: { intervalMs?: number; graceMs?: number; batch?: number };
  /** The media service's storage directory (the worker reads uploads and writes thumbnails). */
  mediaStorageDir?: string;
  concurrency?: number;
  /** Media jobs decode whole images in memory: fewer at once than other jobs (default 2). */
  mediaConcurrency?: number;
  /** How long a job's lock lasts before BullMQ considers its worker dead and retries it. */
  lockDurationMs?: number;
  log?: (message: string, error?: unknown) => void;
  /** Gets the depth of every queue this worker consumes (`queue_jobs`), read at scrape time. */
  metrics?: Registry;
}

/**
 * The background worker: one BullMQ consumer per queue, each running a handler that its owning
 * subgraph wrote (projections, push, calls' timeouts). Nothing starts until `start()`.
 */
export function createWorker(config: WorkerConfig) {
  const log = config.log ?? defaultLog({ service: 'worker' });
  const redis = redisConnection(config.redisUrl);
  const urlOf = (subgraph: string) => config.databaseUrls?.[subgraph] ?? config.databaseUrl;
  const signer = createIdentitySigner({ issuer: 'worker', key: config.signingKey });
  const { onlineAmong, connectedAmong } = presenceLive({ url: config.presenceRpcUrl, signer });
  const inbox = callInbox({ url: config.chatsRpcUrl, signer });
  const push = openPushNotifications(urlOf('users'), {
    vapid: config.vapid,
    signer,
    chatsRpcUrl: config.chatsRpcUrl,
    connectedAmong,
    ...(config.pushTargets ? { targets: config.pushTargets } : {}),
    ...(config.pushClaimLeaseMs ? { claimLeaseMs: config.pushClaimLeaseMs } : {}),
    ...(config.pushSweep ? { sweep: config.pushSweep } : {}),
    log,
  });
  const handlers: Record<
    ConsumerQueue,
    { handle: EventHandler; close(): Promise<void>; concurrency?: number }
  > = {
    'chats-projections': openChatsProjections(urlOf('chats'), config.redisUrl),
    'presence-projections': openPresenceProjections(urlOf('presence')),
    'media-projections': openMediaProjections(urlOf('media')),
    'media-processing': {
      ...openMediaProcessing(urlOf('media'), {
        storageDir: config.mediaStorageDir ?? DEV_MEDIA_STORAGE_DIR,
        redisUrl: config.redisUrl,
        log,
      }),
      concurrency: config.mediaConcurrency ?? 2,
    },
    'users-projections': openUsersProjections(urlOf('users')),
    'users-entity-changes': openUserEntityChanges(config.redisUrl),
    'media-entity-changes': openMediaEntityChanges(config.redisUrl),
    'push-notifications': push,
    'calls-projections': openCallsProjections(urlOf('calls'), config.redisUrl, inbox),
    'calls-timeouts': openRingTimeouts(urlOf('calls'), config.redisUrl, { inbox, onlineAmong }),
  };
  const workers: Worker[] = Object.entries(handlers).map(([queue, handler]) => {
    const worker = createConsumer({
      queue: queue as ConsumerQueue,
      handle: handler.handle,
      redis,
      prefix: config.prefix,
      concurrency: handler.concurrency ?? config.concurrency ?? 8,
      log,
    });
    if (config.lockDurationMs) {
      worker.opts.lockDuration = config.lockDurationMs;
      worker.opts.stalledInterval = config.lockDurationMs;
    }
    return worker;
  });
  const queues = config.metrics
    ? Object.keys(handlers).map((name) =>
        logRedisErrors(
          new Queue(name, { connection: redis, prefix: config.prefix }),
          `queue metrics of ${name}: Redis error (retrying)`,
        ),
      )
    : [];
  if (config.metrics) queueMetrics(config.metrics, queues);

  return {
    workers,
    async start() {
      await checkEvictionPolicy(redis, log);
      for (const worker of workers) void worker.run();
      await Promise.all(workers.map((worker) => worker.waitUntilReady()));
      // What the push jobs missed (a socket closed with entries unacknowledged, jobs lost with Redis).
      push.start();
    },
    /** Graceful: waits for in-flight jobs to finish (BullMQ returns unfinished ones on restart). */
    async stop() {
      await Promise.all([...workers, ...queues].map((closable) => closable.close()));
      await Promise.all(Object.values(handlers).map((handler) => handler.close()));
      redis.disconnect();
    },
  };
}
