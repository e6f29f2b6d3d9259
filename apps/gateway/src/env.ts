import { DEV_JWT_SECRET, parseEnv, sharedEnv, signingKeyEnv } from '@switchboard/core';
import { metricsPortEnv, observabilityEnv } from '@switchboard/observability';
import { z } from 'zod';
import { DEFAULT_LIMITS } from './guards/limits.ts';
import { DEFAULT_PERSISTED_QUERY_TTL_SECONDS } from './guards/persistedQueries.ts';
import { DEFAULT_RATE_LIMITS, type RateLimitRule } from './guards/rateLimit.ts';
import { DEFAULT_SUBGRAPH_CALL_POLICY } from './subgraphDataSource.ts';
import { DEFAULT_SOCKET_SERVER_LIMITS } from './socket/socketServer.ts';

const limit = (fallback: number) => z.coerce.number().int().min(1).default(fallback);
/** A rate limit as POINTS/SECONDS, e.g. 60/10: 60 mutation fields per 10 seconds. */
const rateLimit = (fallback: RateLimitRule) =>
  z
    .string()
    .regex(/^[1-9]\d*\/[1-9]\d*$/, 'expected POINTS/SECONDS, e.g. 60/10')
    .default(`${fallback.points}/${fallback.durationSeconds}`)
    .transform((value): RateLimitRule => {
      const [points, durationSeconds] = value.split('/').map(Number) as [number, number];
      return { points, durationSeconds };
    });

export const env = parseEnv(
  z.object({
    ...sharedEnv,
    ...observabilityEnv,
    /** `/metrics` is served on this port only, never on PORT (the public one). */
    ...metricsPortEnv('gateway'),
    PORT: z.coerce.number().int().min(0).max(65535).default(4000),
    JWT_SECRET: z.string().min(32).default(DEV_JWT_SECRET),
    /** Ed25519 private key (PKCS8 PEM or JWK) signing the internal identity sent to subgraphs. */
    INTERNAL_SIGNING_KEY: signingKeyEnv('gateway'),
    SUPERGRAPH_PATH: z.string().default(new URL('../../../supergraph.graphql', import.meta.url).pathname),
    /** presence's gRPC server: one stream per gateway process carries its sockets' presence. */
    PRESENCE_RPC_URL: z.string().url().default('http://127.0.0.1:5004'),
    /** users' gRPC server: whether a token's device is active (asked once per device per USER_CHECK_TTL_MS). */
    USERS_RPC_URL: z.string().url().default('http://127.0.0.1:5001'),
    /**
     * How long this gateway believes a device is active without asking users again: a revocation
     * this gateway did not hear of is in force here after this long.
     */
    USER_CHECK_TTL_MS: z.coerce.number().int().min(1_000).default(5_000),
    /** presence takes this gateway's users offline when it hears nothing from it for this long. */
    PRESENCE_LEASE_MS: z.coerce.number().int().min(1_000).max(300_000).default(15_000),
    /** Run only the persisted query manifest's operations; default on when NODE_ENV=production. */
    SAFELIST: z.stringbool().optional(),
    PERSISTED_QUERY_MANIFEST: z.string().optional(),
    PERSISTED_QUERY_TTL_SECONDS: limit(DEFAULT_PERSISTED_QUERY_TTL_SECONDS),
    QUERY_MAX_DEPTH: limit(DEFAULT_LIMITS.maxDepth),
    QUERY_MAX_ALIASES: limit(DEFAULT_LIMITS.maxAliases),
    QUERY_MAX_ROOT_FIELDS: limit(DEFAULT_LIMITS.maxRootFields),
    QUERY_MAX_COST: limit(DEFAULT_LIMITS.maxCost),
    QUERY_DEFAULT_LIST_SIZE: limit(DEFAULT_LIMITS.defaultListSize),
    QUERY_MAX_TOKENS: limit(DEFAULT_LIMITS.maxTokens),
    REQUEST_MAX_BYTES: limit(DEFAULT_LIMITS.maxBodyBytes),
    RATE_LIMIT_MUTATIONS_PER_USER: rateLimit(DEFAULT_RATE_LIMITS.perUser),
    RATE_LIMIT_ANONYMOUS_PER_ADDRESS: rateLimit(DEFAULT_RATE_LIMITS.anonymousPerAddress),
    /** A subgraph call not answered within this long fails with SERVICE_UNAVAILABLE. */
    SUBGRAPH_TIMEOUT_MS: limit(DEFAULT_SUBGRAPH_CALL_POLICY.timeoutMs),
    /** How long a subgraph's open circuit breaker fails calls at once before trying one again. */
    SUBGRAPH_BREAKER_RESET_MS: limit(DEFAULT_SUBGRAPH_CALL_POLICY.resetTimeoutMs),
    /** Keep-alive connections from this gateway to each subgraph at most; more calls wait for one. */
    SUBGRAPH_MAX_CONNECTIONS: limit(DEFAULT_SUBGRAPH_CALL_POLICY.maxConnections),
    /** WebSocket limits (README, "Limits"): message size, subscriptions per socket, init wait, new sockets per address. */
    WS_MAX_PAYLOAD_BYTES: limit(DEFAULT_SOCKET_SERVER_LIMITS.maxPayloadBytes),
    WS_MAX_SUBSCRIPTIONS_PER_SOCKET: limit(DEFAULT_SOCKET_SERVER_LIMITS.maxSubscriptionsPerSocket),
    WS_CONNECTION_INIT_TIMEOUT_MS: limit(DEFAULT_SOCKET_SERVER_LIMITS.connectionInitTimeoutMs),
    WS_NEW_CONNECTIONS_PER_ADDRESS_PER_SECOND: limit(
      DEFAULT_SOCKET_SERVER_LIMITS.newConnectionsPerAddressPerSecond,
    ),
    WS_KEEPALIVE_MS: limit(DEFAULT_SOCKET_SERVER_LIMITS.keepAliveMs),
    /** Proxies of ours in front of the gateway whose X-Forwarded-For entry names the client. */
    TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).default(0),
  }),
);

/**
 * Overrides of the supergraph's routing URLs, one variable per subgraph, whatever subgraphs it
 * has: SUBGRAPH_URL_<NAME>=http://users:4001/graphql (NAME upper-cased).
 */
const SUBGRAPH_URL = 'SUBGRAPH_URL_';
export const subgraphUrls: Record<string, string> = Object.fromEntries(
  Object.entries(
    parseEnv(
      z.object(
        Object.fromEntries(
          Object.keys(process.env)
            .filter((name) => name.startsWith(SUBGRAPH_URL))
            .map((name) => [name, z.string().url()]),
        ),
      ),
    ) as Record<string, string>,
  ).map(([name, url]) => [name.slice(SUBGRAPH_URL.length).toLowerCase(), url]),
);
