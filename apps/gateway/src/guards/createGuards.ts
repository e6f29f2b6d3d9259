import type { IncomingMessage } from 'node:http';
import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { ErrorCode, appError, type Identity } from '@switchboard/core';
import {
  GraphQLError,
  Kind,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ParseOptions,
} from 'graphql';
import { jsonBodyWithLimit } from './bodyLimit.ts';
import { clientAddress } from './clientAddress.ts';
import { DEFAULT_LIMITS, exceededLimit, measureOperation, type OperationLimits } from './limits.ts';
import { readManifest, sha256 } from './manifest.ts';
import { DEFAULT_PERSISTED_QUERY_TTL_SECONDS, createPersistedQueryStore } from './persistedQueries.ts';
import { createMutationRateLimiter, type RateLimitConfig } from './rateLimit.ts';
import { createSafelist } from './safelist.ts';

/** The gateway's guard rails for mobile clients; part of GatewayConfig. */
export interface GuardsConfig {
  /** Run only the operations of the persisted query manifest (default false; on in production, env.ts). */
  safelist?: boolean;
  /** Default: contract/persisted-query-manifest.json (`npm run manifest`). */
  persistedQueryManifestPath?: string;
  /** Lifetime of a query registered through APQ, in seconds (default one day). The manifest's never expire. */
  persistedQueryTtlSeconds?: number;
  /** Depth, aliases, root fields, cost, tokens and body size; each defaults to DEFAULT_LIMITS. */
  limits?: Partial<OperationLimits>;
  /** Mutation rate limits, shared through Redis. None when absent; `index.ts` always sets them. */
  rateLimits?: RateLimitConfig;
}

export const DEFAULT_MANIFEST_PATH = new URL(
  '../../../../contract/persisted-query-manifest.json',
  import.meta.url,
).pathname;

/** What the guards read from a request's context (the gateway's context has these). */
export interface GuardContext {
  identity: Identity;
  clientAddress?: string;
}

interface GuardedOperation {
  schema: GraphQLSchema;
  document: DocumentNode;
  /** Undefined when the request names no operation of the document (checked all the same). */
  operation: OperationDefinitionNode | undefined;
  operationName?: string | null | undefined;
  /** SHA-256 of the document text (for APQ, the hash the client sent and Apollo verified). */
  queryHash: string;
  variables: Record<string, unknown> | null | undefined;
  userId: string | null;
  clientAddress: string;
}

/** The same guards for operations that arrive over graphql-ws (the subscription server's onSubscribe). */
export interface SocketGuard {
  parseOptions: ParseOptions;
  /** The text of a subscribe message's document: its query, or the persisted query its APQ hash names. */
  source(payload: {
    query: string;
    extensions?: Record<string, unknown> | null;
  }): Promise<string | GraphQLError>;
  check(
    operation: Omit<GuardedOperation, 'queryHash'> & { source: string },
  ): Promise<GraphQLError | undefined>;
}

const httpStatus: Record<string, number> = { FORBIDDEN: 403, QUERY_TOO_COMPLEX: 400, RATE_LIMITED: 429 };

/** The request names no operation of its document. */
function unknownOperation(operationName: string | null | undefined): GraphQLError {
  return appError(
    ErrorCode.BAD_REQUEST,
    operationName
      ? `Unknown operation named "${operationName}"`
      : 'Must provide an operationName when the document has several operations',
  );
}

/** A guard's refusal with its HTTP status (and Retry-After), which Apollo takes from `extensions.http`. */
function forHttp(error: GraphQLError): GraphQLError {
  const retryAfter = error.extensions['retryAfter'];
  const headers = new HeaderMap(typeof retryAfter === 'number' ? [['retry-after', String(retryAfter)]] : []);
  const status = httpStatus[String(error.extensions['code'])] ?? 400;
  return new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status, headers } } });
}

/**
 * Builds the guard rails; `createGateway` only wires them in. Every check runs before the query
 * planner calls a subgraph: parsing (token limit), the safelist, the limits and the mutation rate
 * limit in Apollo's `didResolveOperation` for HTTP, and the same in `onSubscribe` for WebSocket.
 */
export async function createGuards(
  config: GuardsConfig & { redisUrl: string },
  log: (message: string, error?: unknown) => void = console.error,
) {
  const limits: OperationLimits = { ...DEFAULT_LIMITS, ...config.limits };
  const parseOptions: ParseOptions = { maxTokens: limits.maxTokens };
  const manifest = await readManifest(config.persistedQueryManifestPath ?? DEFAULT_MANIFEST_PATH);
  const safelist = config.safelist ? createSafelist(manifest) : undefined;
  const persisted = createPersistedQueryStore({
    redisUrl: config.redisUrl,
    manifest,
    namespace: 'switchboard:apq',
    log,
  });
  const rateLimiter = config.rateLimits
    ? createMutationRateLimiter(config.redisUrl, config.rateLimits, log)
    : undefined;
  const addressOf = (request: IncomingMessage) =>
    clientAddress(request, config.rateLimits?.trustedProxyHops ?? 0);

  /**
   * Safelist, limits, then the rate limit: the first refusal wins, and a refused operation costs no
   * budget. A request that names no operation of its document (several and no operationName, or an
   * unknown name) is the client's mistake: BAD_REQUEST, after the safelist and the limits (which
   * then apply to every operation in the document).
   */
  async function check(op: GuardedOperation): Promise<GraphQLError | undefined> {
    const notAllowed = safelist?.check(op.queryHash, op.document);
    if (notAllowed) return notAllowed;
    const operations = op.operation
      ? [op.operation]
      : op.document.definitions.filter(
          (definition): definition is OperationDefinitionNode =>
            definition.kind === Kind.OPERATION_DEFINITION,
        );
    let rootFields = 0;
    for (const operation of operations) {
      const measure = measureOperation(
        op.schema,
        op.document,
        operation,
        op.variables,
        limits.defaultListSize,
      );
      const tooComplex = exceededLimit(measure, limits);
      if (tooComplex) return tooComplex;
      rootFields = measure.rootFields;
    }
    if (!op.operation) return unknownOperation(op.operationName);
    if (rateLimiter && op.operation.operation === 'mutation')
      return rateLimiter.consume(op, Math.max(1, rootFields));
    return undefined;
  }

  const plugin: ApolloServerPlugin<GuardContext> = {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, schema, document, operation, queryHash, contextValue }) {
          // Operations sent over the WebSocket were checked in onSubscribe; they come through
          // `executeOperation`, which has no `http`.
          if (!request.http) return;
          const refused = await check({
            schema,
            document,
            operation: operation ?? undefined,
            operationName: request.operationName,
            queryHash,
            variables: request.variables,
            userId: contextValue.identity.userId,
            clientAddress: contextValue.clientAddress ?? 'unknown',
          });
          if (refused) throw forHttp(refused);
        },
      };
    },
  };

  const socket: SocketGuard = {
    parseOptions,
    async source({ query, extensions }) {
      const hash = (extensions?.['persistedQuery'] as { sha256Hash?: unknown } | undefined)?.sha256Hash;
      if (query || typeof hash !== 'string') return query;
      return (
        (await persisted.cache.get(hash)) ??
        appError(ErrorCode.PERSISTED_QUERY_NOT_FOUND, 'PersistedQueryNotFound')
      );
    },
    check: ({ source, ...operation }) => check({ ...operation, queryHash: sha256(source) }),
  };

  return {
    /** ApolloServer options. */
    persistedQueries: {
      cache: persisted.cache,
      ttl: config.persistedQueryTtlSeconds ?? DEFAULT_PERSISTED_QUERY_TTL_SECONDS,
    },
    parseOptions,
    plugin,
    socket,
    /** Express handlers for `/graphql`, in front of Apollo's. */
    jsonBody: jsonBodyWithLimit(limits.maxBodyBytes),
    clientAddress: addressOf,
    async close() {
      await Promise.all([persisted.close(), rateLimiter?.close()]);
    },
  };
}
