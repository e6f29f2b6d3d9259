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

export interface Api {
  /** Sends a contract query or mutation, by name, and returns its data or throws an ApiError. */
  request<T>(operationName: string, variables?: Record<string, unknown>): Promise<T>;
  /** Subscribes with a contract subscription, by name; returns the function that ends it. */
  subscribe<T>(
    operationName: string,
    variables: Record<string, unknown>,
    onData: (data: T) => void,
    onError?: (error: ApiError) => void,
  ): () => void;
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
  /** The socket is back after a drop; subscriptions resume by themselves, anything else is stale. */
  onReconnected?(): void;
}

/**
 * The page's one connection to the gateway, on its own origin: HTTP POST /graphql for queries and
 * mutations, one graphql-ws socket for every subscription, both with the bearer token.
 */
export function createApi(token?: string, events: ApiEvents = {}): Api {
  let socket: Client | undefined;
  const authorization: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const refused = (error: ApiError) => {
    if (error.code === 'UNAUTHENTICATED' && token) events.onUnauthenticated?.();
    return error;
  };

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
      const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
      socket ??= createClient({
        url: `${scheme}://${location.host}/graphql`,
        connectionParams: authorization,
        // A chat page keeps trying (backing off); a refused token (4403) still ends it at once.
        retryAttempts: Infinity,
        on: { connected: (_socket, _payload, wasRetry) => wasRetry && events.onReconnected?.() },
      });
      return socket.subscribe(
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

    close() {
      void socket?.dispose();
    },
  };
}
