import { refuseDevSecretsInProduction } from '@switchboard/core';
import { createWorker } from './createWorker.ts';
import { DEV_VAPID_PRIVATE_KEY, env } from './env.ts';

refuseDevSecretsInProduction(env);
if (env.NODE_ENV === 'production' && env.VAPID_PRIVATE_KEY === DEV_VAPID_PRIVATE_KEY)
  throw new Error('VAPID_PRIVATE_KEY is the development default; set real VAPID keys in production');

const worker = createWorker({
  databaseUrl: env.DATABASE_URL,
  redisUrl: env.REDIS_URL,
  prefix: env.QUEUE_PREFIX,
  vapid: { subject: env.VAPID_SUBJECT, publicKey: env.VAPID_PUBLIC_KEY, privateKey: env.VAPID_PRIVATE_KEY },
  concurrency: env.WORKER_CONCURRENCY,
  mediaStorageDir: env.MEDIA_STORAGE_DIR,
  mediaConcurrency: env.MEDIA_WORKER_CONCURRENCY,
  ...(env.WORKER_LOCK_DURATION_MS ? { lockDurationMs: env.WORKER_LOCK_DURATION_MS } : {}),
});
await worker.start();
console.log('worker ready');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log(`worker: ${signal}, finishing in-flight jobs`);
    void worker.stop().finally(() => process.exit(0));
  });
}
