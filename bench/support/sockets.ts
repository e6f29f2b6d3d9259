// graphql-ws clients for the load generator: one socket per simulated app, optionally bound to a
// loopback address of its own (Linux routes all of 127/8 to lo) so per-address limits do not bind.
import { createClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { contract, type GraphQLResponse } from '../../tests/support/client.ts';

export interface SocketOptions {
  /** The gateway's HTTP GraphQL URL. */
  url: string;
  token: string;
  /** Local address to connect from, e.g. 127.0.0.2. */
  localAddress?: string;
  /** Called when the socket closes or fails, with the close code when there is one. */
  onClosed?: (code: number | undefined) => void;
}

export interface BenchSocket {
  client: WsClient;
  /** Resolves when the server acknowledged connection_init. */
  connected: Promise<void>;
  /** Subscribes with a contract operation; `onNext` gets each payload. */
  subscribe<T>(
    operationName: string,
    variables: Record<string, unknown>,
    onNext: (result: GraphQLResponse<T>) => void,
    onError?: (error: unknown) => void,
  ): () => void;
}

export function openSocket(options: SocketOptions): BenchSocket {
  const { localAddress } = options;
  // graphql-ws constructs the socket itself; a subclass passes the local address to `ws`.
  const Bound = localAddress
    ? class extends WebSocket {
        constructor(address: string | URL, protocols?: string | string[]) {
          super(address, protocols, { localAddress });
        }
      }
    : WebSocket;
  let acknowledged!: () => void;
  let refused!: (error: unknown) => void;
  const connected = new Promise<void>((resolve, reject) => {
    acknowledged = resolve;
    refused = reject;
  });
  connected.catch(() => {}); // reported through onClosed as well
  const client = createClient({
    url: options.url.replace(/^http/, 'ws'),
    webSocketImpl: Bound,
    connectionParams: { authorization: `Bearer ${options.token}` },
    retryAttempts: 0,
    lazy: false,
    on: {
      connected: () => acknowledged(),
      closed: (event) => {
        const code = (event as { code?: number } | undefined)?.code;
        refused(new Error(`socket closed (${code ?? 'no code'})`));
        options.onClosed?.(code);
      },
      error: (error) => refused(error),
    },
  });
  return {
    client,
    connected,
    subscribe(operationName, variables, onNext, onError) {
      const query = contract.get(operationName);
      if (!query) throw new Error(`No contract operation named ${operationName}`);
      return client.subscribe(
        { query, variables, operationName },
        {
          next: (result) => onNext(result as GraphQLResponse<never>),
          error: (error) => onError?.(error),
          complete: () => {},
        },
      );
    },
  };
}
