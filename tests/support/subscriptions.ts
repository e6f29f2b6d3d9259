import { createClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { contract, type GraphQLResponse } from './client.ts';

/** The gateway's WebSocket URL for its HTTP URL. */
export const wsUrl = (httpUrl: string) => httpUrl.replace(/^http/, 'ws');

export interface Subscription<T = Record<string, any>> {
  /** Payloads received so far. */
  results: GraphQLResponse<T>[];
  /** Resolves with the n-th payload (1-based) once it has arrived. */
  nth(n: number, timeoutMs?: number): Promise<GraphQLResponse<T>>;
  /** Resolves when the subscription ends: with its error, or null when it completed. */
  ended: Promise<unknown>;
  close(): void;
}

/** A graphql-ws client as a web app would hold it: one socket, bearer token in connection_init. */
export function wsClient(
  httpUrl: string,
  token?: string,
  options: { onClosed?: (event: unknown) => void } = {},
): WsClient {
  return createClient({
    url: wsUrl(httpUrl),
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: false,
    on: { ...(options.onClosed ? { closed: options.onClosed } : {}) },
    // A caller watching closes expects them; graphql-ws would print a fatal one (4403) as well.
    ...(options.onClosed ? { onNonLazyError: () => {} } : {}),
  });
}

/** Subscribes with a contract operation, by name. */
export function subscribe<T = Record<string, any>>(
  client: WsClient,
  operationName: string,
  variables: Record<string, unknown> = {},
): Subscription<T> {
  const query = contract.get(operationName);
  if (!query) throw new Error(`No contract operation named ${operationName}`);
  return subscribeDocument<T>(client, query, variables, operationName);
}

/** Subscribes with any document (one the contract does not have). */
export function subscribeDocument<T = Record<string, any>>(
  client: WsClient,
  query: string,
  variables: Record<string, unknown> = {},
  operationName?: string,
): Subscription<T> {
  const results: GraphQLResponse<T>[] = [];
  const waiters: (() => void)[] = [];
  let settle!: (value: unknown) => void;
  const ended = new Promise((resolve) => (settle = resolve));
  const dispose = client.subscribe<T>(
    { query, variables, ...(operationName ? { operationName } : {}) },
    {
      next: (value) => {
        results.push(value as GraphQLResponse<T>);
        for (const wake of waiters.splice(0)) wake();
      },
      error: (error) => settle(error),
      complete: () => settle(null),
    },
  );
  return {
    results,
    ended,
    close: dispose,
    async nth(n, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (results.length < n) {
        if (Date.now() > deadline)
          throw new Error(
            `Timed out waiting for payload ${n} of ${operationName ?? query}; got ${JSON.stringify(results)}`,
          );
        await Promise.race([
          new Promise<void>((resolve) => waiters.push(resolve)),
          new Promise((resolve) => setTimeout(resolve, 100)),
        ]);
      }
      return results[n - 1]!;
    },
  };
}
