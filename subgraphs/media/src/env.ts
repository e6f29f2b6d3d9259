import {
  databasePoolSizeEnv,
  parseEnv,
  sharedEnv,
  subgraphDatabaseEnv,
  trustedKeysEnv,
} from '@switchboard/core';
import { metricsPortEnv, observabilityEnv } from '@switchboard/observability';
import { z } from 'zod';
import { DEV_MEDIA_URL_SECRET } from './signedUrls.ts';
import { DEV_MEDIA_STORAGE_DIR } from './storage/localStorage.ts';

export const env = parseEnv(
  z.object({
    ...sharedEnv,
    ...subgraphDatabaseEnv('media'),
    ...databasePoolSizeEnv(6),
    ...observabilityEnv,
    ...metricsPortEnv('media'),
    /** Public keys of the issuers this subgraph trusts, by name: {"gateway": JWK or SPKI PEM}. */
    INTERNAL_TRUSTED_KEYS: trustedKeysEnv(),
    PORT: z.coerce.number().int().min(0).max(65535).default(4003),
    MEDIA_URL_SECRET: z.string().min(32).default(DEV_MEDIA_URL_SECRET),
    /** Public base URL of this service, as clients reach it (behind a proxy or CDN). */
    MEDIA_PUBLIC_URL: z.string().url().optional(),
    MEDIA_STORAGE_DIR: z.string().min(1).default(DEV_MEDIA_STORAGE_DIR),
    MEDIA_UPLOAD_URL_TTL_SECONDS: z.coerce
      .number()
      .int()
      .positive()
      .default(15 * 60),
    MEDIA_DOWNLOAD_URL_TTL_SECONDS: z.coerce.number().int().positive().default(3600),
    /** A request whose headers are not all in within this is answered 408 and closed. */
    MEDIA_HEADERS_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
    /** A request (an upload's body included) not all in within this is answered 408 and closed. */
    MEDIA_REQUEST_TIMEOUT_MS: z.coerce
      .number()
      .int()
      .positive()
      .default(5 * 60_000),
  }),
);
