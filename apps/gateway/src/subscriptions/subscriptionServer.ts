import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import {
  ErrorCode,
  appError,
  isClientCode,
  maskError,
  unauthenticated,
  type Identity,
} from '@switchboard/core';
import {
  GraphQLError,
  Kind,
  getOperationAST,
  parse,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type GraphQLFormattedError,
} from 'graphql';
import { getArgumentValues, getVariableValues } from 'graphql/execution/values.js';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { authenticateSession, sessionExpired, type AuthConfig } from '../context.ts';
import type { SocketGuard } from '../guards/createGuards.ts';
import type { EventResolver } from './eventResolver.ts';
import type { LiveBus } from './liveBus.ts';
import type { SubscriptionPlanner } from './planner.ts';
import { PushQueue } from './pushQueue.ts';
import type { ChatsApi } from './subgraphClient.ts';
import { topics, type TopicContext } from './topics.ts';

const AsyncGeneratorPrototypeReturn = Object.getPrototypeOf(async function* () {}).prototype.return as (
  this: AsyncGenerator,
  value?: unknown,
) => Promise<IteratorResult<unknown>>;

/** Close code for a subscriber that cannot keep up (RFC 6455 "Try Again Later"). */
export const SLOW_CONSUMER_CLOSE = 1013;

export interface ConnectionHooks {
  /** A signed-in socket opened (presence: this user is online through this connection). */
  opened(userId: string, connectionId: string): void;
  /** The client did something: resets the idle (AWAY) clock. */
  active(userId: string, connectionId: string): void;
  closed(userId: string, connectionId: string): void;
}

export interface SubscriptionServerOptions {
  httpServer: Server;
  path: string;
  planner: SubscriptionPlanner;
  resolver: EventResolver;
  chats: ChatsApi;
  bus: LiveBus;
  auth: AuthConfig;
  development: boolean;
  /** Resolve each event once per selection for all subscribers (true), or once per subscriber. */
  shareResolution: boolean;
  /** Payloads one subscription may have waiting for its socket before the socket is closed. */
  maxQueuedPayloads: number;
  /** Bytes the socket may have unsent before the subscriber counts as too slow. */
  maxBufferedBytes: number;
  /** Runs queries and mutations sent over the socket (through the HTTP pipeline). */
  executeOperation(
    request: { query: string; variables?: Record<string, unknown>; operationName?: string },
    identity: Identity,
  ): Promise<ExecutionResult>;
  hooks?: ConnectionHooks;
  keepAliveMs?: number;
  /** Persisted queries, safelist, limits and mutation rate limits, as over HTTP (guards/). */
  guard?: SocketGuard;
}

interface ConnectionExtra {
  socket: WebSocket;
  request: IncomingMessage;
  identity?: Identity;
  connectionId?: string;
  /** When the connection's token runs out (ms since the epoch); null when anonymous. */
  expiresAt?: number | null;
}

/** setTimeout's longest delay; a later expiry is re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Prepared {
  iterator?: AsyncGenerator<ExecutionResult>;
  identity: Identity;
}

const toErrors = (error: unknown): GraphQLError[] => [
  error instanceof GraphQLError
    ? error
    : new GraphQLError(error instanceof Error ? error.message : String(error)),
];

/**
 * graphql-ws (graphql-transport-ws protocol) on the gateway's own port and path. Subscriptions
 * are planned by the gateway's query planner and fed by live events (topics.ts); queries and
 * mutations sent over the socket go through the same pipeline as HTTP.
 */
export function createSubscriptionServer(options: SubscriptionServerOptions) {
  const wsServer = new WebSocketServer({ server: options.httpServer, path: options.path });
  /** Subscriptions whose topic is set up and listening (for metrics, and tests that wait on it). */
  let active = 0;
  /** Sockets closed because their subscriber could not keep up. */
  let slowClosed = 0;
  /** Subscription payloads handed to sockets (metrics). */
  let delivered = 0;
  /** Errors leave the socket masked exactly as over HTTP (codes pass, internals do not). */
  const format = (error: GraphQLError | GraphQLFormattedError) =>
    error instanceof GraphQLError
      ? maskError(error.toJSON(), error, options.development)
      : maskError(error, error, options.development);

  const server = useServer<
    Record<string, unknown>,
    { identity?: Identity; connectionId?: string; expiresAt?: number | null }
  >(
    {
      schema: options.planner.schema,
      connectionInitWaitTimeout: 5_000,

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
        } catch {
          return false;
        }
        const userId = ctx.extra.identity.userId;
        if (userId) {
          ctx.extra.connectionId = randomUUID();
          options.hooks?.opened(userId, ctx.extra.connectionId);
        }
        return true;
      },

      onClose(ctx) {
        const extra = ctx.extra as ConnectionExtra;
        if (extra.identity?.userId && extra.connectionId)
          options.hooks?.closed(extra.identity.userId, extra.connectionId);
      },

      async onSubscribe(ctx, id, payload) {
        const extra = ctx.extra as ConnectionExtra;
        const identity = extra.identity ?? { userId: null };
        if (identity.userId && extra.connectionId) options.hooks?.active(identity.userId, extra.connectionId);
        const source = options.guard ? await options.guard.source(payload) : payload.query;
        if (source instanceof GraphQLError) return [source];
        let document: DocumentNode;
        try {
          document = parse(source, options.guard?.parseOptions);
        } catch (error) {
          return [appError(ErrorCode.GRAPHQL_PARSE_FAILED, (error as Error).message)];
        }
        const invalid = validate(options.planner.schema, document);
        if (invalid.length > 0)
          return invalid.map((error) => appError(ErrorCode.GRAPHQL_VALIDATION_FAILED, error.message));
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) return [appError(ErrorCode.BAD_USER_INPUT, 'Unable to identify the operation')];
        const refused = await options.guard?.check({
          schema: options.planner.schema,
          document,
          operation,
          source,
          variables: payload.variables,
          userId: identity.userId,
          request: extra.request,
        });
        if (refused) return [refused];

        const prepared: Prepared = { identity };
        if (operation.operation === 'subscription') {
          if (!identity.userId) return [unauthenticated()];
          if (extra.expiresAt && extra.expiresAt <= Date.now()) return [sessionExpired()];
          try {
            prepared.iterator = await startSubscription(
              document,
              payload,
              identity.userId,
              extra.socket,
              extra.expiresAt ?? null,
            );
          } catch (error) {
            return toErrors(error);
          }
        }
        return {
          schema: options.planner.schema,
          document,
          ...(payload.operationName ? { operationName: payload.operationName } : {}),
          ...(payload.variables ? { variableValues: payload.variables } : {}),
          contextValue: prepared,
        };
      },

      subscribe: (args) => (args.contextValue as Prepared).iterator!,

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
        if ((args.contextValue as Prepared).iterator) delivered += 1;
        if (socket.bufferedAmount > options.maxBufferedBytes) tooSlow(socket);
        return result.errors
          ? {
              ...result,
              errors: result.errors.map(format),
            }
          : undefined;
      },

      // graphql-ws wraps an error thrown by a subscription's stream in a GraphQLError that keeps
      // the original's extensions, so its code is there to pass through.
      onError: (_ctx, _id, _payload, errors) => errors.map(format),
    },
    wsServer,
    options.keepAliveMs ?? 12_000,
  );

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

  /** Plans the document, starts its topic and returns the payload stream. Throws client errors. */
  async function startSubscription(
    document: DocumentNode,
    payload: { operationName?: string | null; variables?: Record<string, unknown> | null },
    userId: string,
    socket: WebSocket,
    expiresAt: number | null,
  ): Promise<AsyncGenerator<ExecutionResult>> {
    const planned = options.planner.plan(document, payload.operationName);
    const operation = getOperationAST(document, payload.operationName)!;
    const coerced = getVariableValues(
      options.planner.schema,
      operation.variableDefinitions ?? [],
      payload.variables ?? {},
    );
    if (coerced.errors) throw appError(ErrorCode.BAD_USER_INPUT, coerced.errors[0]!.message);
    const variables = coerced.coerced;
    const rootNode = operation.selectionSet.selections.find((s): s is FieldNode => s.kind === Kind.FIELD)!;
    const fieldDef = options.planner.schema.getSubscriptionType()!.getFields()[planned.field]!;
    const args = getArgumentValues(fieldDef, rootNode, variables);
    const topic = topics[planned.field];
    if (!topic) throw appError(ErrorCode.BAD_USER_INPUT, `${planned.field} is not available`);

    const shareVariables = JSON.stringify(planned.selectionVariables.map((name) => variables[name] ?? null));
    const queue = new PushQueue<ExecutionResult>(options.maxQueuedPayloads, () => tooSlow(socket));
    const cleanups: (() => void)[] = [];
    const ctx: TopicContext = {
      userId,
      args,
      chats: options.chats,
      bus: options.bus,
      resolve: async (liveEvent, mode) => {
        const result = await options.resolver.resolve(
          mode.shared && options.shareResolution
            ? {
                planned,
                variables,
                liveEvent,
                identity: { userId: null, delivery: { chatId: mode.chatId } },
                shareKey: `${planned.documentKey}\n${shareVariables}\n${mode.chatId}`,
              }
            : { planned, variables, liveEvent, identity: { userId } },
        );
        // The owning subgraph refused the event (e.g. the caller lost access): end, with its error.
        if (result.data?.[planned.responseKey] == null && result.errors?.length) {
          const first = result.errors[0]!;
          throw appError(
            (isClientCode(first.extensions?.['code'])
              ? first.extensions!['code']
              : ErrorCode.INTERNAL_SERVER_ERROR) as ErrorCode,
            first.message,
          );
        }
        return result;
      },
      emit: (result) => queue.push(result),
      fail: (error) => queue.fail(error),
      onEnd: (cleanup) => cleanups.push(cleanup),
    };
    const end = () => {
      for (const cleanup of cleanups.splice(0)) cleanup();
    };
    try {
      await topic(ctx);
    } catch (error) {
      end();
      throw error;
    }
    // A subscription lives no longer than the token it was opened with: it ends with an error.
    if (expiresAt !== null) {
      let timer: NodeJS.Timeout;
      const arm = () => {
        timer = setTimeout(
          () => (Date.now() >= expiresAt ? queue.fail(sessionExpired()) : arm()),
          Math.min(Math.max(0, expiresAt - Date.now()), MAX_TIMER_MS),
        );
      };
      arm();
      cleanups.push(() => clearTimeout(timer));
    }
    active += 1;
    const payloads = (async function* () {
      try {
        yield* queue.drain();
      } finally {
        active -= 1;
        end();
      }
    })();
    // graphql-ws ends a subscription (client complete, socket closed) with `return()`. An async
    // generator waiting for its next payload would only see that after one more event, so end
    // the queue first: the generator finishes at once and its listeners go.
    return Object.assign(payloads, {
      return(value?: unknown) {
        queue.end();
        return AsyncGeneratorPrototypeReturn.call(payloads, value);
      },
    });
  }

  return {
    wsServer,
    get activeSubscriptions() {
      return active;
    },
    get slowConsumersClosed() {
      return slowClosed;
    },
    get deliveries() {
      return delivered;
    },
    async close() {
      await server.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}
