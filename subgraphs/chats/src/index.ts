import { databaseUrlOf, refuseDevSecretsInProduction } from '@switchboard/core';
import { redisAddress } from '@switchboard/messaging';
import { setDatabasePoolSize } from '@switchboard/db';
import { serveSubgraph } from '@switchboard/subgraph';
import { setupObservability } from '@switchboard/observability';
import { createServer } from './createServer.ts';
import { env } from './env.ts';

refuseDevSecretsInProduction(env);
// Sets the logger and (with OTEL_EXPORTER_OTLP_ENDPOINT) the tracer provider this process's server uses.
setupObservability('chats', env);
// Every pool of this process is this size (README, "Databases").
setDatabasePoolSize(env.DATABASE_POOL_SIZE);
const server = await createServer({
  databaseUrl: databaseUrlOf('chats', env),
  redisUrl: redisAddress(env),
  trustedKeys: env.INTERNAL_TRUSTED_KEYS,
  signingKey: env.INTERNAL_SIGNING_KEY,
  usersRpcUrl: env.USERS_RPC_URL,
  rpcPort: env.RPC_PORT,
  inboxRetentionDays: env.INBOX_RETENTION_DAYS,
  metricsPort: env.METRICS_PORT,
  development: env.NODE_ENV !== 'production',
});
await serveSubgraph('chats', server, env);
