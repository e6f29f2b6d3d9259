import { createClient, type Client } from 'graphql-ws';
import { operations } from 'virtual:contract-operations';

interface GraphQLErrorShape {
  message: string;
  extensions?: { code?: string; field?: string };
}

/** A GraphQL error as the client sees it: the gateway's message and `extensions.code`. */
export class ApiError extends Error {
  readonly code: string | undefined;
  readonly field: string | undefined;
  constructor(error: GraphQLErrorShape) {
    super(error.message);
    this.code = error.extensions?.code;
    this.field = error.extensions?.field;
  }
}

/**
 * The page's socket: `connecting` (first time, or again after a drop), `online` (acknowledged by
 * the gateway), `offline` (dropped, or the browser says it is offline: it waits, then retries).
 */
export type ConnectionState = 'connecting' | 'online' | 'offline';

export interface Api {
  /** Sends a contract query or mutation, by name, and returns its data or throws an ApiError. */
  request<T>(operationName: string, variables?: Record<string, unknown>): Promise<T>;
  /**
   * Subscribes with a contract subscription, by name; returns the function that ends it. After a
   * drop it is sent again, as it was, on the new socket (unless ended meanwhile).
   */
  subscribe<T>(
    operationName: string,
    variables: Record<string, unknown>,
    onData: (data: T) => void,
    onError?: (error: ApiError) => void,
  ): () => void;
  /**
   * The socket's state, now and on each change; `resumed` is true when it is `online` again after
   * a drop (listeners run before the subscriptions are sent again: one ended then is not).
   */
  onConnection(listener: (state: ConnectionState, resumed: boolean) => void): () => void;
  close(): void;
}

function documentOf(operationName: string): string {
  const query = operations[operationName];
  if (!query) throw new Error(`No contract operation named ${operationName}`);
  return query;
}

const firstError = (errors: readonly GraphQLErrorShape[] | undefined, fallback: string) =>
  new ApiError(errors?.[0] ?? { message: fallback });

/** Why a subscription ended: its GraphQL errors, or the socket's close (4403: the token was refused). */
function subscriptionError(operationName: string, error: unknown): ApiError {
  if (Array.isArray(error)) return firstError(error as GraphQLErrorShape[], operationName);
  if (error instanceof CloseEvent && error.code === 4403)
    return new ApiError({ message: 'Sign in again', extensions: { code: 'UNAUTHENTICATED' } });
  return new ApiError({ message: `${operationName} ended: the connection failed` });
}

export interface ApiEvents {
  /** The token was refused (expired, or signed with an old secret). */
  onUnauthenticated?(): void;
}

/** How long the socket waits before its next try, at most (backing off up to it). */
const MAX_RETRY_WAIT_MS = 10_000;
/** Keep-alive: a ping this long after the last pong, and the socket is dead if none answers within PONG_WAIT_MS. */
const PING_EVERY_MS = 15_000;
const PONG_WAIT_MS = 5_000;

/**
 * Resolves once the browser says it is online: at once if it is, on its `online` event if not
 * (tries while offline only fail, and back off further each time).
 */
function online(): Promise<void> {
  if (navigator.onLine) return Promise.resolve();
  return new Promise((resolve) => window.addEventListener('online', () => resolve(), { once: true }));
}

/** The wait before the n-th retry: backing off (1 s, 2 s, 4 s... at most 10 s), cut short by coming back online. */
async function retryWait(retries: number): Promise<void> {
  const backoff = Math.min(1000 * 2 ** retries, MAX_RETRY_WAIT_MS) + Math.random() * 500;
  if (!navigator.onLine) {
    await online();
    // Shortly after: the network often needs a moment once the browser says it is back.
    await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 400));
    return;
  }
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      window.removeEventListener('online', done);
      resolve();
    };
    const timer = setTimeout(done, backoff);
    window.addEventListener('online', done);
  });
}

/**
 * The page's one connection to the gateway, on its own origin: HTTP POST /graphql for queries and
 * mutations, one graphql-ws socket for every subscription, both with the bearer token. The socket
 * keeps trying after a drop (backing off, waiting for the browser to be online); it is dropped at
 * once when the browser goes offline, or when the gateway stops answering its pings.
 */
export function createApi(token?: string, events: ApiEvents = {}): Api {
  let socket: Client | undefined;
  let state: ConnectionState = 'connecting';
  const listeners = new Set<(state: ConnectionState, resumed: boolean) => void>();
  const setState = (next: ConnectionState, resumed = false) => {
    if (next === state && !resumed) return;
    state = next;
    for (const listener of [...listeners]) listener(next, resumed);
  };
  const authorization: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const refused = (error: ApiError) => {
    if (error.code === 'UNAUTHENTICATED' && token) events.onUnauthenticated?.();
    return error;
  };
  const goneOffline = () => {
    setState('offline');
    socket?.terminate();
  };

  function client(): Client {
    if (socket) return socket;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    let pongWait: ReturnType<typeof setTimeout> | undefined;
    window.addEventListener('offline', goneOffline);
    socket = createClient({
      url: `${scheme}://${location.host}/graphql`,
      connectionParams: authorization,
      // A chat page keeps trying (backing off); a refused token (4403) still ends it at once.
      retryAttempts: Infinity,
      retryWait,
      keepAlive: PING_EVERY_MS,
      on: {
        connecting: () => setState(navigator.onLine ? 'connecting' : 'offline'),
        connected: (_socket, _payload, wasRetry) => setState('online', wasRetry),
        closed: () => {
          clearTimeout(pongWait);
          setState('offline');
        },
        // No pong in time: the socket is dead without knowing it (the network went away quietly).
        ping: (received) => {
          if (received) return;
          clearTimeout(pongWait);
          pongWait = setTimeout(() => socket?.terminate(), PONG_WAIT_MS);
        },
        pong: (received) => {
          if (received) clearTimeout(pongWait);
        },
      },
    });
    return socket;
  }

  return {
    async request<T>(operationName: string, variables: Record<string, unknown> = {}): Promise<T> {
      const response = await fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...authorization },
        body: JSON.stringify({ query: documentOf(operationName), variables, operationName }),
      });
      const body = (await response.json().catch(() => ({}))) as {
        data?: T | null;
        errors?: GraphQLErrorShape[];
      };
      if (body.errors?.length || !body.data)
        throw refused(firstError(body.errors, `${operationName} failed (HTTP ${response.status})`));
      return body.data;
    },

    subscribe<T>(
      operationName: string,
      variables: Record<string, unknown>,
      onData: (data: T) => void,
      onError?: (error: ApiError) => void,
    ) {
      return client().subscribe(
        { query: documentOf(operationName), variables, operationName },
        {
          next: (result) => {
            if (result.errors?.length) onError?.(refused(firstError(result.errors, operationName)));
            else if (result.data) onData(result.data as T);
          },
          error: (error) => onError?.(refused(subscriptionError(operationName, error))),
          complete: () => {},
        },
      );
    },

    onConnection(listener) {
      client();
      listeners.add(listener);
      listener(state, false);
      return () => void listeners.delete(listener);
    },

    close() {
      listeners.clear();
      window.removeEventListener('offline', goneOffline);
      void socket?.dispose();
    },
  };
}
