import { databaseUrlOf, refuseDevSecretsInProduction } from '@switchboard/core';
import { redisAddress } from '@switchboard/messaging';
import { setDatabasePoolSize } from '@switchboard/db';
import { serveSubgraph } from '@switchboard/subgraph';
import { setupObservability } from '@switchboard/observability';
import { createServer } from './createServer.ts';
import { env } from './env.ts';

refuseDevSecretsInProduction(env);
// Sets the logger and (with OTEL_EXPORTER_OTLP_ENDPOINT) the tracer provider this process's server uses.
setupObservability('presence', env);
// Every pool of this process is this size (README, "Databases").
setDatabasePoolSize(env.DATABASE_POOL_SIZE);
const server = await createServer({
  databaseUrl: databaseUrlOf('presence', env),
  trustedKeys: env.INTERNAL_TRUSTED_KEYS,
  development: env.NODE_ENV !== 'production',
  redisUrl: redisAddress(env),
  awayAfterMs: env.AWAY_AFTER_MS,
  typingTtlMs: env.TYPING_TTL_MS,
  rpcPort: env.RPC_PORT,
  signingKey: env.INTERNAL_SIGNING_KEY,
  chatsRpcUrl: env.CHATS_RPC_URL,
  metricsPort: env.METRICS_PORT,
});
await serveSubgraph('presence', server, env);
