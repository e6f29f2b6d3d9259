import { databaseUrlOf, refuseDevSecretsInProduction } from '@switchboard/core';
import { redisAddress } from '@switchboard/messaging';
import { setDatabasePoolSize } from '@switchboard/db';
import { serveSubgraph } from '@switchboard/subgraph';
import { setupObservability } from '@switchboard/observability';
import { createServer } from './createServer.ts';
import { env } from './env.ts';
import { refusePushAllowHostsInProduction } from './pushTargets.ts';

refuseDevSecretsInProduction(env);
refusePushAllowHostsInProduction(env);
// Sets the logger and (with OTEL_EXPORTER_OTLP_ENDPOINT) the tracer provider this process's server uses.
setupObservability('users', env);
// Every pool of this process is this size (README, "Databases").
setDatabasePoolSize(env.DATABASE_POOL_SIZE);
const server = await createServer({
  databaseUrl: databaseUrlOf('users', env),
  trustedKeys: env.INTERNAL_TRUSTED_KEYS,
  signingKey: env.INTERNAL_SIGNING_KEY,
  chatsRpcUrl: env.CHATS_RPC_URL,
  rpcPort: env.RPC_PORT,
  metricsPort: env.METRICS_PORT,
  development: env.NODE_ENV !== 'production',
  jwtSecret: env.JWT_SECRET,
  tokenTtlSeconds: env.TOKEN_TTL_SECONDS,
  push: { allowHosts: env.PUSH_ALLOW_HOSTS },
  redisUrl: redisAddress(env),
});
await serveSubgraph('users', server, env);
