import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { CloseCode, makeServer } from 'graphql-ws';
import { ErrorCode, appError, maskError, unauthenticated, type Identity } from '@switchboard/core';
import {
  GraphQLError,
  getOperationAST,
  parse,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import { LRUCache } from 'lru-cache';
import type { WebSocket } from 'ws';
import { authenticateSession, type AuthConfig } from '../context.ts';
import type { SocketGuard } from '../guards/createGuards.ts';
import type { LiveSubscription } from '../live/liveSubscription.ts';
import type { SubscriptionExecutor } from '../live/subscriptionExecutor.ts';
import type { ConnectionHooks } from './connectionHooks.ts';
import { createPayloadSerializer } from './sharedPayloads.ts';
import { checkSocketSession, type SocketSession } from './socketSession.ts';
import {
  DEFAULT_SOCKET_LIMITS,
  serveWebSockets,
  type SocketExtra,
  type SocketLimits,
} from './wsTransport.ts';

/** RFC 6455 "Try Again Later": a subscriber that cannot keep up, or a service we depend on is down. */
export const TRY_AGAIN_LATER_CLOSE = 1013;
/** Close code for a subscriber that cannot keep up. */
export const SLOW_CONSUMER_CLOSE = TRY_AGAIN_LATER_CLOSE;
/** graphql-ws' Forbidden: a bad token at `connection_init`, or a device revoked since. */
export const FORBIDDEN_CLOSE = 4403;

/** The socket server's limits: the transport's, plus what one socket may hold (README, "Limits"). */
export interface SocketServerLimits extends SocketLimits {
  /** Subscriptions one socket may hold at once; one more is refused with BAD_REQUEST. */
  maxSubscriptionsPerSocket: number;
  /** `connection_init` must arrive within this long, else graphql-ws closes with 4408. */
  connectionInitTimeoutMs: number;
  /** Text of the documents kept parsed and validated, in all (least recently used go first). */
  documentCacheBytes: number;
}

export const DEFAULT_SOCKET_SERVER_LIMITS: SocketServerLimits = {
  ...DEFAULT_SOCKET_LIMITS,
  maxSubscriptionsPerSocket: 100,
  connectionInitTimeoutMs: 5_000,
  documentCacheBytes: 512 * 1024,
};

export interface SocketServerOptions {
  httpServer: Server;
  path: string;
  schema: GraphQLSchema;
  subscriptions: SubscriptionExecutor;
  auth: AuthConfig;
  development: boolean;
  /** Bytes the socket may have unsent before the subscriber counts as too slow. */
  maxBufferedBytes: number;
  /** Runs queries and mutations sent over the socket (through the HTTP pipeline). */
  executeOperation(
    request: { query: string; variables?: Record<string, unknown>; operationName?: string },
    identity: Identity,
  ): Promise<ExecutionResult>;
  hooks?: ConnectionHooks;
  limits?: Partial<SocketServerLimits>;
  /** The client's address, as the guards read it (behind trusted proxies: X-Forwarded-For). */
  clientAddress(request: IncomingMessage): string;
  /** Persisted queries, safelist, limits and mutation rate limits, as over HTTP (guards/). */
  guard?: SocketGuard;
}

interface ConnectionExtra extends SocketExtra, SocketSession {
  connectionId?: string;
  /** The subscriptions running on this socket, by operation id: ended when their token runs out. */
  live?: Map<string, LiveSubscription>;
  expiry?: NodeJS.Timeout;
  /** Subscriptions held or being set up on this socket (the per-socket limit counts these). */
  held?: number;
}

/** What an operation carries from onSubscribe to graphql-ws's execute/subscribe. */
interface Prepared {
  identity: Identity;
  subscription?: LiveSubscription;
}

/** setTimeout's longest delay; a later expiry is re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const toErrors = (error: unknown): GraphQLError[] => [
  error instanceof GraphQLError
    ? error
    : new GraphQLError(error instanceof Error ? error.message : String(error)),
];

/**
 * graphql-ws (graphql-transport-ws protocol) on the gateway's own port and path: the socket's
 * concerns only (its token, guards, backpressure, connection reports). Subscriptions are run by
 * the subscription executor (live/); queries and mutations sent over the socket go through the
 * same pipeline as HTTP.
 */
export function createSocketServer(options: SocketServerOptions) {
  const limits: SocketServerLimits = { ...DEFAULT_SOCKET_SERVER_LIMITS, ...options.limits };
  /** Subscriptions set up and listening (metrics, and tests that wait on it). */
  let active = 0;
  /** Sockets closed because their subscriber could not keep up. */
  let slowClosed = 0;
  /** Each device's open sockets, to end their sessions when it is revoked. */
  const socketsOfDevice = new Map<string, Set<ConnectionExtra>>();
  /** Subscription payloads handed to sockets (metrics). */
  let delivered = 0;
  /** Errors leave the socket masked exactly as over HTTP (codes pass, internals do not). */
  const format = (error: GraphQLError | GraphQLFormattedError) =>
    error instanceof GraphQLError
      ? maskError(error.toJSON(), error, options.development)
      : maskError(error, error, options.development);

  /**
   * A slow subscriber gets a clear close (1013) and its buffers are released: if it does not even
   * read the close frame, the socket is cut shortly after.
   */
  function tooSlow(socket: WebSocket) {
    if (socket.readyState !== socket.OPEN) return;
    slowClosed += 1;
    socket.close(SLOW_CONSUMER_CLOSE, 'Subscriber too slow: reconnect and resume with afterSeq');
    setTimeout(() => socket.terminate(), 5_000).unref();
  }

  /**
   * A socket lives no longer than its token: its subscriptions end with UNAUTHENTICATED, and any
   * operation sent after is refused (onSubscribe).
   */
  function armExpiry(extra: ConnectionExtra, expiresAt: number) {
    extra.expiry = setTimeout(
      () => {
        const ended = checkSocketSession(extra);
        if (!ended) return armExpiry(extra, expiresAt);
        for (const subscription of extra.live?.values() ?? []) subscription.fail(ended);
      },
      Math.min(Math.max(0, expiresAt - Date.now()), MAX_TIMER_MS),
    );
    extra.expiry.unref();
  }

  /**
   * Parsed and validated once per document text, and shared: every socket of an app sends the
   * same few documents, and a subscription holds its document as long as it runs (a parsed
   * document with locations takes about 100 times its text). Bounded by text: at most
   * `documentCacheBytes` of it, least recently used going first.
   */
  const documents = new LRUCache<string, DocumentNode | GraphQLError[]>({
    maxSize: limits.documentCacheBytes,
    sizeCalculation: (_value, source) => Math.max(1, source.length),
  });
  function checkDocument(source: string): DocumentNode | GraphQLError[] {
    const known = documents.get(source);
    if (known) return known;
    let checked: DocumentNode | GraphQLError[];
    try {
      const document = parse(source, options.guard?.parseOptions);
      const invalid = validate(options.schema, document);
      checked =
        invalid.length > 0
          ? invalid.map((error) => appError(ErrorCode.GRAPHQL_VALIDATION_FAILED, error.message))
          : document;
    } catch (error) {
      checked = [appError(ErrorCode.GRAPHQL_PARSE_FAILED, (error as Error).message)];
    }
    // A document larger than the whole cache is parsed each time it comes.
    if (source.length <= limits.documentCacheBytes) documents.set(source, checked);
    return checked;
  }

  const payloads = createPayloadSerializer();
  const server = makeServer<Record<string, unknown>, ConnectionExtra>({
    jsonMessageReplacer: payloads.replacer,
    schema: options.schema,
    connectionInitWaitTimeout: limits.connectionInitTimeoutMs,

    // A bad or expired token closes the socket with 4403; no token is anonymous, and a
    // subscription then fails with UNAUTHENTICATED.
    async onConnect(ctx) {
      const header = ctx.connectionParams?.['authorization'];
      try {
        const session = await authenticateSession(
          typeof header === 'string' ? header : undefined,
          options.auth,
        );
        ctx.extra.identity = session.identity;
        ctx.extra.expiresAt = session.expiresAt;
        if (session.expiresAt !== null) armExpiry(ctx.extra, session.expiresAt);
      } catch (error) {
        // Could not check the token's user now (users unavailable): not the client's fault, so
        // a retryable close, not 4403.
        if (error instanceof GraphQLError && error.extensions['code'] === ErrorCode.SERVICE_UNAVAILABLE)
          ctx.extra.socket.close(TRY_AGAIN_LATER_CLOSE, 'Try again later');
        return false;
      }
      // Read: the token is not kept for the life of the socket.
      (ctx as { connectionParams?: unknown }).connectionParams = undefined;
      const deviceId = ctx.extra.identity.deviceId;
      // A socket that closed while its token was checked has had its onClose: nothing to remember.
      if (deviceId && ctx.extra.socket.readyState === ctx.extra.socket.OPEN) {
        let sockets = socketsOfDevice.get(deviceId);
        if (!sockets) socketsOfDevice.set(deviceId, (sockets = new Set()));
        sockets.add(ctx.extra);
      }
      const userId = ctx.extra.identity.userId;
      if (userId) {
        ctx.extra.connectionId = randomUUID();
        options.hooks?.opened(userId, ctx.extra.connectionId, deviceId);
      }
      return true;
    },

    onClose(ctx) {
      const extra = ctx.extra;
      clearTimeout(extra.expiry);
      const deviceId = extra.identity?.deviceId;
      const sockets = deviceId ? socketsOfDevice.get(deviceId) : undefined;
      if (sockets?.delete(extra) && sockets.size === 0) socketsOfDevice.delete(deviceId!);
      if (extra.identity?.userId && extra.connectionId)
        options.hooks?.closed(extra.identity.userId, extra.connectionId);
    },

    async onSubscribe(ctx, id, payload) {
      const extra = ctx.extra;
      // Every operation, before anything else: a socket whose session ended answers nothing more.
      // It is closed as at connection_init (4403) once graphql-ws has sent this refusal, which it
      // does within this turn.
      const ended = checkSocketSession(extra);
      if (ended) {
        setImmediate(() => extra.socket.close(CloseCode.Forbidden, 'Forbidden'));
        return [ended];
      }
      const identity = extra.identity ?? { userId: null };
      if (identity.userId && extra.connectionId) options.hooks?.active(identity.userId, extra.connectionId);
      const source = options.guard ? await options.guard.source(payload) : payload.query;
      if (source instanceof GraphQLError) return [source];
      const checked = checkDocument(source);
      if (Array.isArray(checked)) return checked;
      const document = checked;
      // graphql-ws keeps the subscribe message as long as the operation runs: its text is then
      // the cached document's, not a copy per subscription.
      if (payload.query === source && document.loc)
        (payload as { query: string }).query = document.loc.source.body;
      const operation = getOperationAST(document, payload.operationName) ?? undefined;
      // Guards first, also for a document whose operation the request does not name (they then
      // answer BAD_REQUEST themselves).
      const refused = await options.guard?.check({
        schema: options.schema,
        document,
        operation,
        operationName: payload.operationName,
        source,
        variables: payload.variables,
        userId: identity.userId,
        clientAddress: extra.clientAddress,
      });
      if (refused) return [refused];
      if (!operation) return [appError(ErrorCode.BAD_REQUEST, 'Unable to identify the operation')];

      const prepared: Prepared = { identity };
      if (operation.operation === 'subscription') {
        if (!identity.userId) return [unauthenticated()];
        // That operation is refused; the socket and the subscriptions it holds go on.
        if ((extra.held ?? 0) >= limits.maxSubscriptionsPerSocket)
          return [
            appError(
              ErrorCode.BAD_REQUEST,
              `At most ${limits.maxSubscriptionsPerSocket} subscriptions per socket`,
              { limit: 'maxSubscriptionsPerSocket', max: limits.maxSubscriptionsPerSocket },
            ),
          ];
        extra.held = (extra.held ?? 0) + 1;
        // Released once, however it ends: a refused start may end it (onEnd) before subscribe
        // throws, or throw before there is anything to end. Active only once started.
        let state: 'starting' | 'active' | 'ended' = 'starting';
        const release = () => {
          if (state === 'ended') return;
          if (state === 'active') active -= 1;
          state = 'ended';
          extra.held! -= 1;
        };
        const device = identity.deviceId ?? undefined;
        try {
          prepared.subscription = await options.subscriptions.subscribe({
            document,
            operationName: payload.operationName,
            variables: payload.variables,
            viewer: identity.userId,
            ...(device === undefined ? {} : { device }),
            onOverflow: () => tooSlow(extra.socket),
            onEnd: release,
          });
        } catch (error) {
          release();
          return toErrors(error);
        }
        if (state === 'starting') {
          state = 'active';
          active += 1;
        }
        (extra.live ??= new Map()).set(id, prepared.subscription);
      }
      return {
        schema: options.schema,
        document,
        ...(payload.operationName ? { operationName: payload.operationName } : {}),
        ...(payload.variables ? { variableValues: payload.variables } : {}),
        contextValue: prepared,
      };
    },

    subscribe: (args) => (args.contextValue as Prepared).subscription!,

    // Every operation that got past onSubscribe completes here, however it ended (the client
    // completed it, its stream ended or failed, the socket closed before it started).
    onComplete(ctx, id) {
      const extra = ctx.extra;
      extra.live?.get(id)?.dispose();
      extra.live?.delete(id);
    },

    execute: async (args) =>
      options.executeOperation(
        {
          query: args.document.loc?.source.body ?? '',
          ...(args.variableValues ? { variables: args.variableValues } : {}),
          ...(args.operationName ? { operationName: args.operationName } : {}),
        },
        (args.contextValue as Prepared).identity,
      ),

    onNext(ctx, _id, _payload, args, result) {
      const socket = (ctx.extra as ConnectionExtra).socket;
      if ((args.contextValue as Prepared).subscription) delivered += 1;
      if (socket.bufferedAmount > options.maxBufferedBytes) tooSlow(socket);
      return result.errors ? { ...result, errors: result.errors.map(format) } : undefined;
    },

    // graphql-ws wraps an error thrown by a subscription's stream in a GraphQLError that keeps
    // the original's extensions, so its code is there to pass through.
    onError: (_ctx, _id, _payload, errors) => errors.map(format),
  });
  const transport = serveWebSockets({
    httpServer: options.httpServer,
    path: options.path,
    server,
    limits,
    clientAddress: options.clientAddress,
    finish: payloads.finish,
  });

  return {
    /** Every open socket (metrics). */
    get openSockets() {
      return transport.wss.clients.size;
    },
    /** Cuts every socket at once, as a crash would (tests). */
    terminateAll() {
      transport.terminate();
    },
    get activeSubscriptions() {
      return active;
    },
    get slowConsumersClosed() {
      return slowClosed;
    },
    get deliveries() {
      return delivered;
    },
    /**
     * Ends the sessions of a device that was revoked: nothing more runs on its sockets, which are
     * closed with 4403, as a bad token is at connect.
     */
    closeDevice(deviceId: string) {
      for (const extra of socketsOfDevice.get(deviceId) ?? []) {
        extra.revoked = true;
        extra.socket.close(FORBIDDEN_CLOSE, 'Device revoked');
      }
    },
    /** Closes every socket with 1001 (going away: clients reconnect elsewhere). */
    close: () => transport.close(),
  };
}
