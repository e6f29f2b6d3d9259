import type { KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import { ErrorCode, GATEWAY_ISSUER, createIdentitySigner, maskError, type Identity } from '@switchboard/core';
import { createLiveSubscriber, liveChannel, redisConnection } from '@switchboard/messaging';
import {
  logFunction,
  observabilityPlugin,
  serveMetrics,
  serverObservability,
  subscriptionMetrics,
  traceRequests,
  type Observability,
} from '@switchboard/observability';
import express from 'express';
import { GraphQLError, type ExecutionResult } from 'graphql';
import { contextFor, createContext, type AuthConfig, type GatewayContext } from './context.ts';
import { createEntityCache } from './federation/entityCache.ts';
import { createFederation } from './federation/federation.ts';
import { loadSupergraph } from './federation/supergraph.ts';
import { createGuards, type GuardContext, type GuardsConfig } from './guards/createGuards.ts';
import { checkSubgraphs } from './health.ts';
import { SubgraphDataSource, type SubgraphCallPolicy } from './subgraphDataSource.ts';
import { createKnownUsers } from './knownUsers.ts';
import { liveBus, type LiveBus } from './live/liveBus.ts';
import type { PayloadResolver } from './live/payloadResolver.ts';
import { createSubscriptionExecutor } from './live/subscriptionExecutor.ts';
import { createPresenceLink, type PresenceLink } from './presence/presenceLink.ts';
import { createSocketServer, type SocketServerLimits } from './socket/socketServer.ts';
import { unavailablePlugin } from './unavailablePlugin.ts';

/** Guard rails (APQ, safelist, limits, rate limits) are configured with the fields of GuardsConfig. */
export interface GatewayConfig extends GuardsConfig {
  /** Composed supergraph SDL (`npm run compose`), or a path to it. */
  supergraphSdl?: string;
  supergraphPath?: string;
  /** Subgraph name -> URL, overriding the supergraph's routing URLs. */
  subgraphUrls?: Record<string, string>;
  jwtSecret: string;
  /** The gateway's Ed25519 private key: it signs the internal identity each subgraph verifies. */
  internalSigningKey: KeyObject;
  /** Sandbox, introspection and error details; off in production. */
  development: boolean;
  /** Redis carrying live events (subscriptions). */
  redisUrl: string;
  subscriptions?: {
    /** Resolve each event once per selection for all its subscribers (default true). */
    shareResolution?: boolean;
    maxQueuedPayloads?: number;
    maxBufferedBytes?: number;
  };
  /** Cache `@cached` entity fields, kept exact by their owners' events (default on). */
  entityCache?: boolean;
  /** Deadline and circuit breaker of every subgraph call (identityDataSource.ts). */
  subgraphCalls?: Partial<SubgraphCallPolicy>;
  /** WebSocket limits: message size, subscriptions per socket, init timeout, new sockets per address, keep-alive. */
  socketLimits?: Partial<SocketServerLimits>;
  /** presence's gRPC server, which this gateway streams its sockets' opens, closes and activity to. */
  presence?: {
    /** e.g. http://127.0.0.1:5004 (PRESENCE_RPC_URL). */
    url: string;
    /** This gateway's connections count as live this long after presence last heard from it. */
    leaseMs?: number;
    batchMs?: number;
  };
  /**
   * users' gRPC server, asked whether a token's user exists (remembered `ttlMs`, default 60 s).
   * Without it a correctly signed token is enough.
   */
  users?: { url: string; ttlMs?: number };
  /** Logger, metrics registry (served at `/metrics`) and tracer provider; see `serverObservability`. */
  observability?: Partial<Observability>;
  /**
   * Port of `/metrics` (METRICS_PORT; 0 or absent: any free port): never the public port, which
   * answers 404 there.
   */
  metricsPort?: number;
}

export interface RunningGateway {
  url: string;
  port: number;
  httpServer: Server;
  /** Where this gateway's `/metrics` is served: a port of its own. */
  metricsUrl: string;
  stop(): Promise<void>;
  crash(): Promise<void>;
  /** Open WebSockets on this gateway. */
  openSockets(): number;
  /** Subscriptions set up and listening on this gateway. */
  activeSubscriptions(): number;
  /** Sockets closed because their subscriber could not keep up. */
  slowConsumersClosed(): number;
  /** Resolves live events into payloads (its execution count shows the sharing). */
  resolver: PayloadResolver;
  /** The stream to presence (absent when no presence URL was configured). */
  presence: PresenceLink | undefined;
}

/** Builds the public gateway without listening (conventions.md: no side effects until `listen`). */
export async function createGateway(config: GatewayConfig) {
  const supergraph = loadSupergraph(
    config.supergraphSdl ?? (await readFile(config.supergraphPath ?? 'supergraph.graphql', 'utf8')),
  );
  const subgraphUrls = new Map(
    [...supergraph.subgraphUrls].map(([name, url]) => [name, config.subgraphUrls?.[name] ?? url]),
  );
  const { logger, metrics, tracer } = serverObservability('gateway', config.observability);
  const log = logFunction(logger);
  const signer = createIdentitySigner({ issuer: GATEWAY_ISSUER, key: config.internalSigningKey });
  const auth: AuthConfig = {
    jwtSecret: config.jwtSecret,
    ...(config.users ? { knownUsers: createKnownUsers({ ...config.users, signer }) } : {}),
  };
  const live = createLiveSubscriber(config.redisUrl, log);
  const bus = liveBus(live);
  /** Set once the gateway closes: its own channels are followed no more. */
  let closing = false;
  const unavailable = (error: unknown) =>
    error instanceof GraphQLError && error.extensions['code'] === ErrorCode.SERVICE_UNAVAILABLE;
  /**
   * The gateway's own channels, followed for its whole life. Unlike a client's subscribe, Redis
   * being down does not refuse them: the gateway starts (not ready, /ready says why) and follows
   * them once Redis is back.
   */
  const follow = async (channel: string, listener: Parameters<LiveBus['listen']>[1]) => {
    try {
      await bus.listen(channel, listener);
      return;
    } catch (error) {
      if (!unavailable(error)) throw error;
      log(`Redis unavailable; following ${channel} once it is back`, error);
    }
    void (async () => {
      while (!closing) {
        try {
          await bus.listen(channel, listener);
          return;
        } catch (error) {
          if (!unavailable(error)) return log(`following ${channel} failed`, error);
        }
      }
    })();
  };
  // Entity values kept exact by their owners' events (federation/entityCache.ts).
  const cacheRedis =
    config.entityCache === false
      ? undefined
      : redisConnection(config.redisUrl, { enableAutoPipelining: true });
  const entityCache = cacheRedis
    ? createEntityCache({ cachedFields: supergraph.live.cachedFields, redis: cacheRedis, log })
    : undefined;
  if (entityCache) {
    await follow(liveChannel.entities, (event) => {
      if (
        event.type === 'entityChanged' &&
        typeof event['typename'] === 'string' &&
        typeof event['id'] === 'string'
      )
        entityCache.invalidate(event['typename'], event['id']);
    });
    bus.onReconnect(() => entityCache.clear());
  }
  // One data source per subgraph: query plans, subscription payloads and internal operations.
  const serviceMap = Object.fromEntries(
    [...subgraphUrls].map(([name, url]) => [
      name,
      new SubgraphDataSource(name, url, config.subgraphCalls, entityCache),
    ]),
  );
  const federation = createFederation({ supergraph, serviceMap, log });

  const guards = await createGuards(config, log);
  const app = express();
  app.disable('x-powered-by');
  const httpServer = createHttpServer(app);
  const apollo = new ApolloServer<GatewayContext & GuardContext>({
    gateway: federation.gateway,
    // index.ts drains on SIGTERM itself; Apollo's own handler would re-raise the signal mid-drain.
    stopOnTerminationSignals: false,
    introspection: config.development,
    includeStacktraceInErrorResponses: config.development,
    // No "Did you mean…" hints about the schema for clients in production.
    hideSchemaDetailsFromClientErrors: !config.development,
    persistedQueries: guards.persistedQueries,
    parseOptions: guards.parseOptions,
    formatError: (formatted, original) => maskError(formatted, original, config.development, log),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      guards.plugin,
      unavailablePlugin,
      observabilityPlugin({ registry: metrics, logger }),
      config.development
        ? ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false })
        : ApolloServerPluginLandingPageDisabled(),
    ],
  });
  await apollo.start();

  // Federated subscriptions over graphql-ws on the same port and path (architecture.md, principle 4).
  const executor = createSubscriptionExecutor({
    federation,
    bus,
    signer,
    shareResolution: config.subscriptions?.shareResolution ?? true,
    maxQueuedPayloads: config.subscriptions?.maxQueuedPayloads ?? 1000,
    log,
  });
  const resolver = executor.resolver;
  const presence = config.presence
    ? createPresenceLink({ ...config.presence, signer, log: (message) => logger.warn(message) })
    : undefined;
  const subscriptions = createSocketServer({
    httpServer,
    path: '/graphql',
    schema: supergraph.schema,
    subscriptions: executor,
    auth,
    development: config.development,
    maxBufferedBytes: config.subscriptions?.maxBufferedBytes ?? 4 * 1024 * 1024,
    ...(config.socketLimits ? { limits: config.socketLimits } : {}),
    clientAddress: guards.clientAddress,
    ...(presence ? { hooks: presence } : {}),
    guard: guards.socket,
    executeOperation: async (request, identity: Identity) => {
      const response = await apollo.executeOperation(request, {
        contextValue: contextFor(identity, signer),
      });
      if (response.body.kind !== 'single')
        throw new Error('Incremental delivery is not supported over WebSocket');
      return response.body.singleResult as ExecutionResult;
    },
  });

  // A revoked device is refused from the moment users announces it, its open sockets closed.
  const knownUsers = auth.knownUsers;
  if (knownUsers)
    await follow(liveChannel.deviceRevoked, (event) => {
      if (event.type !== 'deviceRevoked' || typeof event['deviceId'] !== 'string') return;
      knownUsers.revoked(event['deviceId']);
      subscriptions.closeDevice(event['deviceId']);
    });

  subscriptionMetrics(metrics, {
    openWebSockets: () => subscriptions.openSockets,
    activeSubscriptions: () => subscriptions.activeSubscriptions,
    deliveries: () => subscriptions.deliveries,
    resolutions: () => resolver.executions,
    slowConsumerCloses: () => subscriptions.slowConsumersClosed,
  });
  app.get('/health', async (_req, res) => {
    const report = await checkSubgraphs(subgraphUrls);
    res.status(report.ok ? 200 : 503).json(report);
  });
  // Probes: live = the process answers; ready = it may take traffic: not draining, and its
  // Redis (live events) reachable. Subgraphs are left out: a subgraph down would otherwise take
  // every gateway out of the load balancer, including from the operations that do not need it.
  let draining = false;
  app.get('/live', (_req, res) => {
    res.json({ status: 'live' });
  });
  app.get('/ready', (_req, res) => {
    const redis = live.connected();
    const ready = redis && !draining;
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'unavailable',
      ...(draining ? { draining } : {}),
      redis: redis ? 'ok' : 'unavailable',
    });
  });
  app.use(
    '/graphql',
    // One trace per operation, continuing the client's `traceparent` if it sent one.
    traceRequests(tracer, '/graphql'),
    ...guards.jsonBody,
    expressMiddleware(apollo, {
      context: async ({ req }) => ({
        ...(await createContext(req.header('authorization'), auth, signer)),
        clientAddress: guards.clientAddress(req),
      }),
    }),
  );

  const release = async () => {
    executor.stop();
    await apollo.stop();
    closing = true;
    await live.close();
    cacheRedis?.disconnect();
    await Promise.all(Object.values(serviceMap).map((source) => source.close()));
    await guards.close();
  };

  return {
    app,
    httpServer,
    resolver,
    async listen(port: number, host = '127.0.0.1'): Promise<RunningGateway> {
      await new Promise<void>((resolve) => httpServer.listen(port, host, resolve));
      const metricsServer = await serveMetrics(metrics, config.metricsPort ?? 0, host);
      presence?.start();
      const address = httpServer.address() as AddressInfo;
      return {
        port: address.port,
        url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}/graphql`,
        httpServer,
        metricsUrl: metricsServer.url,
        openSockets: () => subscriptions.openSockets,
        activeSubscriptions: () => subscriptions.activeSubscriptions,
        slowConsumersClosed: () => subscriptions.slowConsumersClosed,
        resolver,
        presence,
        /** Stops as a crash would: sockets drop, presence hears nothing (tests). */
        async crash() {
          draining = true;
          presence?.crash();
          httpServer.closeAllConnections();
          subscriptions.terminateAll();
          await subscriptions.close();
          await release();
          await metricsServer.close();
        },
        async stop() {
          draining = true;
          await subscriptions.close();
          // Sockets closed above: their closes go out, then the stream ends.
          await presence?.stop();
          await release();
          await metricsServer.close();
        },
      };
    },
  };
}
