import { refuseDevSecretsInProduction } from '@switchboard/core';
import { redisAddress } from '@switchboard/messaging';
import { serveSubgraph } from '@switchboard/subgraph';
import { setupObservability } from '@switchboard/observability';
import { createServer } from './createServer.ts';
import { env } from './env.ts';

refuseDevSecretsInProduction(env);
// Sets the logger and (with OTEL_EXPORTER_OTLP_ENDPOINT) the tracer provider this process's server uses.
setupObservability('chats', env);
const server = await createServer({
  databaseUrl: env.DATABASE_URL,
  redisUrl: redisAddress(env),
  trustedKeys: env.INTERNAL_TRUSTED_KEYS,
  development: env.NODE_ENV !== 'production',
});
await serveSubgraph('chats', server, env);
