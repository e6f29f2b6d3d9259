import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ApolloServer, type BaseContext } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
} from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { pendingMigrations } from '@switchboard/db';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import type { ConnectRouter } from '@connectrpc/connect';
import {
  logFunction,
  observabilityPlugin,
  serveMetrics,
  serverObservability,
  traceRequests,
  type Observability,
} from '@switchboard/observability';
import { createRpcServer, type RunningRpcServer } from '@switchboard/rpc';
import express, { type Express } from 'express';
import type { DocumentNode } from 'graphql';
import {
  appError,
  createIdentityVerifier,
  ErrorCode,
  GATEWAY_ISSUER,
  INTERNAL_IDENTITY_HEADER,
  maskError,
  type Identity,
  type TrustedKeys,
} from '@switchboard/core';
import { refuseNulCharacters } from './refuseNulCharacters.ts';
import { wakeRelayAfterMutations } from './wakeRelayAfterMutations.ts';

export interface SubgraphServerOptions<TContext extends BaseContext> {
  name: string;
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<TContext>;
  /** Public keys of the internal identity's issuers; over GraphQL only the gateway's count. */
  trustedKeys: TrustedKeys;
  /**
   * Builds the per-request context from the identity the gateway vouched for, and the live event
   * the gateway is resolving a subscription payload for (read by Subscription field resolvers).
   */
  context: (identity: Identity, liveEvent: unknown) => TContext | Promise<TContext>;
  /** Answers whether the subgraph's own dependencies (database, Redis) are reachable. */
  healthCheck?: () => Promise<void>;
  /**
   * The database its migrations must have reached before `/ready` says so (default directory:
   * `prisma/<name>/migrations`).
   */
  migrations?: { databaseUrl: string; dir?: string };
  /** Non-GraphQL routes (the media service's upload and download endpoints). */
  routes?: (app: Express) => void;
  development: boolean;
  /** Releases what the subgraph holds (database pool, Redis) when the server stops. */
  dispose?: () => Promise<void>;
  /** Background work that runs while the server listens (e.g. presence's expiry sweeper). */
  background?: { start(): void; stop(): Promise<void> };
  log?: (message: string, error?: unknown) => void;
  /** Logger, metrics registry (served at `/metrics`) and tracer provider; see `serverObservability`. */
  observability?: Partial<Observability>;
  /**
   * Port of `/metrics` (METRICS_PORT; 0 or absent: any free port): a port of its own, so the
   * scraper's route never shares the one the gateway (or a client, for media) reaches.
   */
  metricsPort?: number;
  /** The internal gRPC services this subgraph serves, on a port of their own (RPC_PORT; 0: any). */
  rpc?: { port: number; routes: (router: ConnectRouter) => void };
  /** Limits on how slowly a client may send a request (media's upload route is reached by clients). */
  http?: Partial<HttpTimeouts>;
}

export interface HttpTimeouts {
  /** A request whose headers are not all in within this is answered 408 and closed. */
  headersTimeoutMs: number;
  /** A request not all in (headers and body) within this is answered 408 and closed. */
  requestTimeoutMs: number;
  /** How often Node looks for requests past those limits. */
  checkIntervalMs: number;
}

/** Node's defaults (60 s, 5 min, every 30 s) bound a half-sent request; these are tighter. */
export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  checkIntervalMs: 1_000,
};

export interface RunningServer {
  url: string;
  port: number;
  httpServer: Server;
  /** Where this process's `/metrics` is served. */
  metricsUrl: string;
  /** The gRPC server's base URL, when the subgraph serves internal gRPC services. */
  rpcUrl?: string;
  rpcPort?: number;
  stop(): Promise<void>;
}

/**
 * Builds (without listening) one subgraph: `/graphql` for the gateway, `/health` (dependencies
 * reachable), `/ready` (that, and its migrations applied: a load balancer may send it traffic)
 * and `/live` (the process answers: an orchestrator restarts it when this fails).
 */
export async function createSubgraphServer<TContext extends BaseContext>(
  options: SubgraphServerOptions<TContext>,
): Promise<{ app: Express; listen(port: number, host?: string): Promise<RunningServer> }> {
  const { logger, metrics, tracer } = serverObservability(options.name, options.observability);
  const log = options.log ?? logFunction(logger);
  const apollo = new ApolloServer<TContext>({
    // buildSubgraphSchema types resolvers with an unknown context; ours are typed per subgraph.
    schema: buildSubgraphSchema({
      typeDefs: options.typeDefs,
      resolvers: options.resolvers as GraphQLResolverMap<unknown>,
    }),
    introspection: options.development,
    includeStacktraceInErrorResponses: options.development,
    formatError: (formatted, original) => maskError(formatted, original, options.development, log),
    // Inline traces feed Apollo Studio, which we do not use; they cost time on every request.
    // Neither Apollo's inline traces nor its cache-control hints are used here; left on, the
    // cache-control plugin's willResolveField wraps every resolver of every request (a tenth of
    // chats' CPU on a 50-message ChatHistory).
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      observabilityPlugin({ registry: metrics, logger }),
      refuseNulCharacters(),
      wakeRelayAfterMutations(),
    ],
    // serveSubgraph stops it on SIGTERM, relay and all; Apollo's own handler would re-raise the
    // signal once Apollo alone stopped, killing the process mid-way (exit 143).
    stopOnTerminationSignals: false,
  });
  await apollo.start();
  // Tokens name their callee: one minted for another subgraph is refused here.
  const verifyIdentity = createIdentityVerifier({
    audience: options.name,
    trustedKeys: options.trustedKeys,
    issuers: [GATEWAY_ISSUER],
  });

  const app = express();
  app.disable('x-powered-by');
  app.get('/health', async (_req, res) => {
    try {
      await options.healthCheck?.();
      res.json({ status: 'ok', subgraph: options.name });
    } catch (error) {
      log('health check failed', error);
      res.status(503).json({ status: 'unavailable', subgraph: options.name });
    }
  });
  app.get('/live', (_req, res) => {
    res.json({ status: 'live', subgraph: options.name });
  });
  const migrationsDir =
    options.migrations?.dir ??
    fileURLToPath(new URL(`../../../prisma/${options.name}/migrations`, import.meta.url));
  let migrated = !options.migrations;
  app.get('/ready', async (_req, res) => {
    try {
      if (!migrated) {
        const pending = await pendingMigrations({
          databaseUrl: options.migrations!.databaseUrl,
          schema: options.name,
          migrationsDir,
        });
        if (pending.length > 0) {
          res.status(503).json({ status: 'unavailable', subgraph: options.name, pendingMigrations: pending });
          return;
        }
        migrated = true; // applied migrations stay applied: no need to look again
      }
      await options.healthCheck?.();
      res.json({ status: 'ready', subgraph: options.name });
    } catch (error) {
      log('readiness check failed', error);
      res.status(503).json({ status: 'unavailable', subgraph: options.name });
    }
  });
  options.routes?.(app);
  app.use(
    '/graphql',
    // The gateway's `traceparent` makes this request's span a child of its fetch span.
    traceRequests(tracer, '/graphql', { 'graphql.subgraph': options.name }),
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const caller = await verifyIdentity(req.header(INTERNAL_IDENTITY_HEADER));
        // A request that skipped the gateway carries no valid identity token: it gets nothing.
        if (!caller) {
          throw appError(ErrorCode.UNAUTHENTICATED, 'Requests must come through the gateway', {
            http: { status: 401 },
          });
        }
        // Trusted only because the request carries the gateway's internal token.
        const extensions = (req.body as { extensions?: { liveEvent?: unknown } } | undefined)?.extensions;
        return options.context(caller.identity, extensions?.liveEvent);
      },
    }),
  );

  const rpc = options.rpc
    ? {
        port: options.rpc.port,
        server: createRpcServer({
          name: options.name,
          trustedKeys: options.trustedKeys,
          routes: options.rpc.routes,
        }),
      }
    : undefined;
  const timeouts = { ...DEFAULT_HTTP_TIMEOUTS, ...options.http };
  return {
    app,
    async listen(port, host = '127.0.0.1') {
      const httpServer = createHttpServer(
        {
          headersTimeout: timeouts.headersTimeoutMs,
          requestTimeout: timeouts.requestTimeoutMs,
          connectionsCheckingInterval: timeouts.checkIntervalMs,
        },
        app,
      );
      options.background?.start();
      httpServer.keepAliveTimeout = 65_000;
      await new Promise<void>((resolve) => httpServer.listen(port, host, resolve));
      const address = httpServer.address() as AddressInfo;
      const metricsServer = await serveMetrics(metrics, options.metricsPort ?? 0, host);
      let rpcServer: RunningRpcServer | undefined;
      if (rpc) rpcServer = await rpc.server.listen(rpc.port, host);
      return {
        port: address.port,
        url: `http://${host}:${address.port}/graphql`,
        httpServer,
        metricsUrl: metricsServer.url,
        ...(rpcServer ? { rpcUrl: rpcServer.url, rpcPort: rpcServer.port } : {}),
        async stop() {
          // Streams end with `unavailable` first: callers reconnect (here or to another process).
          await rpcServer?.close();
          await options.background?.stop();
          // Takes no new connection and closes idle ones; requests in flight get up to 5 s to
          // finish (the process is being replaced, e.g. on SIGTERM), then what is left is closed.
          const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
          httpServer.closeIdleConnections();
          const deadline = setTimeout(() => httpServer.closeAllConnections(), 5_000);
          await closed;
          clearTimeout(deadline);
          await apollo.stop();
          await metricsServer.close();
          await options.dispose?.();
        },
      };
    },
  };
}
