import { refuseDevSecretsInProduction } from '@switchboard/core';
import { redisAddress } from '@switchboard/messaging';
import { setupObservability } from '@switchboard/observability';
import { createGateway } from './createGateway.ts';
import { env, subgraphUrls } from './env.ts';

refuseDevSecretsInProduction(env);
const observability = setupObservability('gateway', env);
const gateway = await createGateway({
  supergraphPath: env.SUPERGRAPH_PATH,
  subgraphUrls,
  jwtSecret: env.JWT_SECRET,
  internalSigningKey: env.INTERNAL_SIGNING_KEY,
  development: env.NODE_ENV !== 'production',
  redisUrl: redisAddress(env),
  presence: { url: env.PRESENCE_RPC_URL, leaseMs: env.PRESENCE_LEASE_MS },
  users: { url: env.USERS_RPC_URL, ttlMs: env.USER_CHECK_TTL_MS },
  metricsPort: env.METRICS_PORT,
  safelist: env.SAFELIST ?? env.NODE_ENV === 'production',
  ...(env.PERSISTED_QUERY_MANIFEST ? { persistedQueryManifestPath: env.PERSISTED_QUERY_MANIFEST } : {}),
  persistedQueryTtlSeconds: env.PERSISTED_QUERY_TTL_SECONDS,
  limits: {
    maxDepth: env.QUERY_MAX_DEPTH,
    maxAliases: env.QUERY_MAX_ALIASES,
    maxRootFields: env.QUERY_MAX_ROOT_FIELDS,
    maxCost: env.QUERY_MAX_COST,
    defaultListSize: env.QUERY_DEFAULT_LIST_SIZE,
    maxTokens: env.QUERY_MAX_TOKENS,
    maxBodyBytes: env.REQUEST_MAX_BYTES,
  },
  subgraphCalls: {
    timeoutMs: env.SUBGRAPH_TIMEOUT_MS,
    resetTimeoutMs: env.SUBGRAPH_BREAKER_RESET_MS,
    maxConnections: env.SUBGRAPH_MAX_CONNECTIONS,
  },
  socketLimits: {
    maxPayloadBytes: env.WS_MAX_PAYLOAD_BYTES,
    maxSubscriptionsPerSocket: env.WS_MAX_SUBSCRIPTIONS_PER_SOCKET,
    connectionInitTimeoutMs: env.WS_CONNECTION_INIT_TIMEOUT_MS,
    newConnectionsPerAddressPerSecond: env.WS_NEW_CONNECTIONS_PER_ADDRESS_PER_SECOND,
    keepAliveMs: env.WS_KEEPALIVE_MS,
  },
  rateLimits: {
    perUser: env.RATE_LIMIT_MUTATIONS_PER_USER,
    anonymousPerAddress: env.RATE_LIMIT_ANONYMOUS_PER_ADDRESS,
    trustedProxyHops: env.TRUSTED_PROXY_HOPS,
  },
  observability,
});
const running = await gateway.listen(env.PORT, '0.0.0.0');
console.log(`Gateway ready at ${running.url} (metrics at ${running.metricsUrl})`);
if (env.NODE_ENV !== 'production') console.log(`Apollo Sandbox: open ${running.url} in a browser`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void running
      .stop()
      .then(() => observability.shutdown())
      .finally(() => process.exit(0));
  });
}
