import { databaseUrlOf, refuseDevSecretsInProduction } from '@switchboard/core';
import { redisAddress } from '@switchboard/messaging';
import { setDatabasePoolSize } from '@switchboard/db';
import { serveSubgraph } from '@switchboard/subgraph';
import { setupObservability } from '@switchboard/observability';
import { createServer } from './createServer.ts';
import { env } from './env.ts';
import { isLoopbackIceUrl } from './turn/iceUrls.ts';
import { DEV_TURN_SECRET } from './turn/turnCredentials.ts';

refuseDevSecretsInProduction(env);
// Sets the logger and (with OTEL_EXPORTER_OTLP_ENDPOINT) the tracer provider this process's server uses.
setupObservability('calls', env);
// Anyone who knows the secret can mint TURN credentials, and so relay through our servers.
if (env.NODE_ENV === 'production' && env.TURN_SECRET === DEV_TURN_SECRET)
  throw new Error(
    "TURN_SECRET is the development default; set coturn's real static-auth-secret in production",
  );
// The defaults name this machine (npm start's local coturn): each client would look for TURN on its own.
if (env.NODE_ENV === 'production')
  for (const [name, urls] of [
    ['TURN_URLS', env.TURN_URLS],
    ['STUN_URLS', env.STUN_URLS],
  ] as const) {
    const loopback = urls.find(isLoopbackIceUrl);
    if (loopback)
      throw new Error(
        `${name} names a loopback address (${loopback}); set where clients reach coturn in production`,
      );
  }
// Every pool of this process is this size (README, "Databases").
setDatabasePoolSize(env.DATABASE_POOL_SIZE);
const server = await createServer({
  databaseUrl: databaseUrlOf('calls', env),
  redisUrl: redisAddress(env),
  trustedKeys: env.INTERNAL_TRUSTED_KEYS,
  signingKey: env.INTERNAL_SIGNING_KEY,
  chatsRpcUrl: env.CHATS_RPC_URL,
  development: env.NODE_ENV !== 'production',
  ringTimeoutSeconds: env.CALL_RING_TIMEOUT_SECONDS,
  unattendedTimeoutSeconds: env.CALL_UNATTENDED_TIMEOUT_SECONDS,
  turn: {
    secret: env.TURN_SECRET,
    urls: env.TURN_URLS,
    stunUrls: env.STUN_URLS,
    credentialTtlSeconds: env.TURN_CREDENTIAL_TTL_SECONDS,
  },
  metricsPort: env.METRICS_PORT,
});
await serveSubgraph('calls', server, env);
