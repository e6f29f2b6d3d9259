import { createServer, type Http2Server, type ServerHttp2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { Code, ConnectError, type ConnectRouter, type Interceptor } from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { createIdentityVerifier, type TrustedKeys } from '@switchboard/core';
import { requireIdentity } from './identity.ts';

export interface RpcServerOptions {
  /** This service's name: callers' tokens must name it as their audience. */
  name: string;
  /** Registers the services this server implements. */
  routes: (router: ConnectRouter) => void;
  /** Public keys of the issuers whose identities this service accepts. */
  trustedKeys: TrustedKeys;
  /** Accept only these issuers (default: every issuer in `trustedKeys`). */
  issuers?: readonly string[];
}

export interface RunningRpcServer {
  /** Base URL for `createRpcTransport`. */
  url: string;
  port: number;
  /**
   * Stops accepting calls, tells open streams the server is going away (gRPC `unavailable`),
   * and closes what is still open after `graceMs`.
   */
  close(graceMs?: number): Promise<void>;
}

/**
 * The internal gRPC plane's server: gRPC over cleartext HTTP/2 on a port of its own, every call
 * authenticated by the internal identity before any handler runs.
 */
export function createRpcServer(options: RpcServerOptions) {
  const verify = createIdentityVerifier({
    audience: options.name,
    trustedKeys: options.trustedKeys,
    ...(options.issuers ? { issuers: options.issuers } : {}),
  });
  return {
    async listen(port: number, host = '127.0.0.1'): Promise<RunningRpcServer> {
      // Aborted on close: every handler's context signal ends with it.
      const shutdown = new AbortController();
      const handler = connectNodeAdapter({
        routes: options.routes,
        grpc: true,
        grpcWeb: false,
        connect: false,
        shutdownSignal: shutdown.signal,
        interceptors: [requireIdentity(verify), endStreamsOnShutdown],
      });
      const server: Http2Server = createServer(handler);
      const sessions = new Set<ServerHttp2Session>();
      server.on('session', (session) => {
        sessions.add(session);
        session.once('close', () => sessions.delete(session));
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const address = server.address() as AddressInfo;
      return {
        port: address.port,
        url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`,
        async close(graceMs = 1_000) {
          const closed = new Promise<void>((resolve) => server.close(() => resolve()));
          shutdown.abort(new ConnectError(`${options.name} is shutting down`, Code.Unavailable));
          for (const session of sessions) session.close();
          const timer = setTimeout(() => {
            for (const session of sessions) session.destroy();
          }, graceMs);
          await closed;
          clearTimeout(timer);
        },
      };
    },
  };
}

/**
 * A handler reading a client stream waits for the client's next message; on shutdown that read
 * fails with the shutdown's error (gRPC `unavailable`), so the handler ends and the client hears why.
 */
const endStreamsOnShutdown: Interceptor = (next) => (request) => {
  if (!request.stream) return next(request);
  const { signal } = request;
  return next({ ...request, message: untilAborted(request.message, signal) });
};

async function* untilAborted<T>(source: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  const aborted = new Promise<never>((_, reject) => {
    const fail = () => reject(ConnectError.from(signal.reason));
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
  aborted.catch(() => {});
  try {
    for (;;) {
      const result = await Promise.race([iterator.next(), aborted]);
      if (result.done) return;
      yield result.value;
    }
  } finally {
    void iterator.return?.();
  }
}
