import { databaseUrlOf, refuseDevSecretsInProduction } from '@switchboard/core';
import { SUBGRAPH_SCHEMAS, setDatabasePoolSize } from '@switchboard/db';
import { redisAddress } from '@switchboard/messaging';
import {
  createMetricsRegistry,
  logFunction,
  serveMetrics,
  setupObservability,
} from '@switchboard/observability';
import { refusePushAllowHostsInProduction } from '@switchboard/users/pushTargets';
import { createWorker } from './createWorker.ts';
import { DEV_VAPID_PRIVATE_KEY, env } from './env.ts';

refuseDevSecretsInProduction(env);
refusePushAllowHostsInProduction(env);
if (env.NODE_ENV === 'production' && env.VAPID_PRIVATE_KEY === DEV_VAPID_PRIVATE_KEY)
  throw new Error('VAPID_PRIVATE_KEY is the development default; set real VAPID keys in production');

const { logger } = setupObservability('worker', env);
const metrics = createMetricsRegistry({ service: 'worker' });
// Each handler's pool is this size (README, "Databases").
setDatabasePoolSize(env.DATABASE_POOL_SIZE);
const worker = createWorker({
  databaseUrl: env.DATABASE_URL,
  databaseUrls: Object.fromEntries(
    SUBGRAPH_SCHEMAS.map((subgraph) => [subgraph, databaseUrlOf(subgraph, env)]),
  ),
  signingKey: env.INTERNAL_SIGNING_KEY,
  presenceRpcUrl: env.PRESENCE_RPC_URL,
  chatsRpcUrl: env.CHATS_RPC_URL,
  redisUrl: redisAddress(env),
  prefix: env.QUEUE_PREFIX,
  vapid: { subject: env.VAPID_SUBJECT, publicKey: env.VAPID_PUBLIC_KEY, privateKey: env.VAPID_PRIVATE_KEY },
  pushTargets: { allowHosts: env.PUSH_ALLOW_HOSTS },
  pushClaimLeaseMs: env.PUSH_CLAIM_LEASE_MS,
  pushSweep: {
    intervalMs: env.PUSH_SWEEP_INTERVAL_MS,
    graceMs: env.PUSH_SWEEP_GRACE_MS,
    batch: env.PUSH_SWEEP_BATCH,
  },
  concurrency: env.WORKER_CONCURRENCY,
  mediaStorageDir: env.MEDIA_STORAGE_DIR,
  mediaConcurrency: env.MEDIA_WORKER_CONCURRENCY,
  ...(env.WORKER_LOCK_DURATION_MS ? { lockDurationMs: env.WORKER_LOCK_DURATION_MS } : {}),
  log: logFunction(logger.child({ service: 'worker' })),
  metrics,
});
await worker.start();
const metricsServer = await serveMetrics(metrics, env.METRICS_PORT, '0.0.0.0');
console.log(`worker ready; metrics at ${metricsServer.url}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log(`worker: ${signal}, finishing in-flight jobs`);
    void Promise.all([worker.stop(), metricsServer.close()]).finally(() => process.exit(0));
  });
}
