import { databaseUrlOf, refuseDevSecretsInProduction } from '@switchboard/core';
import { setDatabasePoolSize } from '@switchboard/db';
import { serveSubgraph } from '@switchboard/subgraph';
import { setupObservability } from '@switchboard/observability';
import { createServer } from './createServer.ts';
import { env } from './env.ts';
import { DEV_MEDIA_URL_SECRET } from './signedUrls.ts';

refuseDevSecretsInProduction(env);
// Sets the logger and (with OTEL_EXPORTER_OTLP_ENDPOINT) the tracer provider this process's server uses.
setupObservability('media', env);
if (env.NODE_ENV === 'production' && env.MEDIA_URL_SECRET === DEV_MEDIA_URL_SECRET)
  throw new Error('MEDIA_URL_SECRET is the development default; set a real secret in production');
// Without it, URLs would name the address the server listens on, which clients cannot reach.
if (env.NODE_ENV === 'production' && !env.MEDIA_PUBLIC_URL)
  throw new Error(
    'MEDIA_PUBLIC_URL must be set in production: the base URL clients reach the media service at',
  );
// Every pool of this process is this size (README, "Databases").
setDatabasePoolSize(env.DATABASE_POOL_SIZE);
const server = await createServer({
  databaseUrl: databaseUrlOf('media', env),
  trustedKeys: env.INTERNAL_TRUSTED_KEYS,
  development: env.NODE_ENV !== 'production',
  storageDir: env.MEDIA_STORAGE_DIR,
  urlSecret: env.MEDIA_URL_SECRET,
  ...(env.MEDIA_PUBLIC_URL ? { publicUrl: env.MEDIA_PUBLIC_URL } : {}),
  uploadUrlTtlSeconds: env.MEDIA_UPLOAD_URL_TTL_SECONDS,
  downloadUrlTtlSeconds: env.MEDIA_DOWNLOAD_URL_TTL_SECONDS,
  http: { headersTimeoutMs: env.MEDIA_HEADERS_TIMEOUT_MS, requestTimeoutMs: env.MEDIA_REQUEST_TIMEOUT_MS },
  metricsPort: env.METRICS_PORT,
});
await serveSubgraph('media', server, env);
