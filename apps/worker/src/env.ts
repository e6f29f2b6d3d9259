import { SUBGRAPH_SCHEMAS } from '@switchboard/db';
import {
  databasePoolSizeEnv,
  parseEnv,
  sharedEnv,
  signingKeyEnv,
  subgraphDatabaseEnv,
} from '@switchboard/core';
import { DEV_MEDIA_STORAGE_DIR } from '@switchboard/media/jobs';
import { metricsPortEnv, observabilityEnv } from '@switchboard/observability';
import { DEFAULT_PUSH_CLAIM_LEASE_MS, DEFAULT_PUSH_SWEEP } from '@switchboard/users/jobs';
import { pushTargetEnv } from '@switchboard/users/pushTargets';
import { z } from 'zod';

/**
 * Development VAPID keys (README, "Secrets"): fine on a laptop, refused in production.
 * Generate your own with `npx web-push generate-vapid-keys`.
 */
export const DEV_VAPID_PUBLIC_KEY =
  'BMWbNGzBC5sTkLTGbLofXMlcAub2lD8umahm1KTowROdOGp4S4G2oufkLT8S3uc9VptERK_wXyssS7HuvaNWV8w';
export const DEV_VAPID_PRIVATE_KEY = '_B7Qk9NuoXJeK1MADl5RoCQM5G3F6ByYnOAgWnmImDc';

export const env = parseEnv(
  z.object({
    ...sharedEnv,
    /** Each handler runs against its owner's database (DATABASE_URL_<SUBGRAPH>, else DATABASE_URL). */
    ...subgraphDatabaseEnv(...SUBGRAPH_SCHEMAS),
    ...databasePoolSizeEnv(4),
    ...observabilityEnv,
    /** `/metrics` (queue depth, process) is served on this port. */
    ...metricsPortEnv('worker'),
    /** The worker's own Ed25519 private key: its calls to presence and chats (PKCS8 PEM or JWK). */
    INTERNAL_SIGNING_KEY: signingKeyEnv('worker'),
    /** presence's gRPC server: who is online before a push is sent. */
    PRESENCE_RPC_URL: z.string().url().default('http://127.0.0.1:5004'),
    /** chats' gRPC server: the end of a call the worker ends reaches every device's inbox there. */
    CHATS_RPC_URL: z.string().url().default('http://127.0.0.1:5002'),
    VAPID_SUBJECT: z.string().default('mailto:dev@localhost'),
    VAPID_PUBLIC_KEY: z.string().default(DEV_VAPID_PUBLIC_KEY),
    VAPID_PRIVATE_KEY: z.string().default(DEV_VAPID_PRIVATE_KEY),
    WORKER_CONCURRENCY: z.coerce.number().int().positive().default(8),
    /** The media service's MEDIA_STORAGE_DIR: the worker reads uploads and writes thumbnails there. */
    MEDIA_STORAGE_DIR: z.string().min(1).default(DEV_MEDIA_STORAGE_DIR),
    MEDIA_WORKER_CONCURRENCY: z.coerce.number().int().positive().default(2),
    WORKER_LOCK_DURATION_MS: z.coerce.number().int().positive().optional(),
    ...pushTargetEnv,
    /** A claim on a push not confirmed within this is taken over (README, "Push notifications"). */
    PUSH_CLAIM_LEASE_MS: z.coerce.number().int().min(300).default(DEFAULT_PUSH_CLAIM_LEASE_MS),
    /** The push sweep looks for devices owed a push this often (README, "Push notifications"). */
    PUSH_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).default(DEFAULT_PUSH_SWEEP.intervalMs),
    /** ...at entries at least this old: a connected device acknowledges its entries well within it. */
    PUSH_SWEEP_GRACE_MS: z.coerce.number().int().min(0).default(DEFAULT_PUSH_SWEEP.graceMs),
    /** ...at most this many devices per round. */
    PUSH_SWEEP_BATCH: z.coerce.number().int().min(1).max(1000).default(DEFAULT_PUSH_SWEEP.batch),
  }),
);
