import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { CloseCode, handleProtocols, type Server as GraphqlWsServer } from 'graphql-ws';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { WebSocketServer, type WebSocket } from 'ws';

/** Limits of the WebSocket transport; each answers with its documented code (README, "Limits"). */
export interface SocketLimits {
  /** Largest message a client may send, in bytes; beyond it the socket closes with 1009. */
  maxPayloadBytes: number;
  /** New sockets per client address per second; beyond it the upgrade answers HTTP 429. */
  newConnectionsPerAddressPerSecond: number;
  /** Every socket is pinged this often; one that did not answer the last ping is cut. */
  keepAliveMs: number;
}

export const DEFAULT_SOCKET_LIMITS: SocketLimits = {
  maxPayloadBytes: 64 * 1024,
  newConnectionsPerAddressPerSecond: 50,
  keepAliveMs: 30_000,
};

/** How long a socket that failed (a bad frame) has to finish closing before it is cut. */
const CLOSE_GRACE_MS = 5_000;

/** What graphql-ws hands each hook as `ctx.extra`: the socket and who is at the other end. */
export interface SocketExtra {
  socket: WebSocket;
  clientAddress: string;
}

/**
 * The WebSocket transport of graphql-ws (its `makeServer`) over `ws`, in place of graphql-ws's
 * own `useServer` glue, for what an idle connection costs: one keep-alive timer for all sockets
 * instead of an interval per socket, no request object kept per socket, sends that do not allocate
 * a promise per payload (backpressure is watched on `bufferedAmount` by the caller), and the
 * transport's limits (message size, new connections per address).
 */
export function serveWebSockets<E extends SocketExtra>(options: {
  httpServer: HttpServer;
  path: string;
  server: GraphqlWsServer<E>;
  limits: SocketLimits;
  clientAddress(request: IncomingMessage): string;
  /** The per-socket extra graphql-ws hooks receive (beyond socket and address). */
  extra?(socket: WebSocket, clientAddress: string): Omit<E, keyof SocketExtra>;
  /** Turns a message graphql-ws built into what is written (shared payloads spliced in). */
  finish?(message: string): string;
}) {
  const { limits } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxPayloadBytes, handleProtocols });
  const newConnections = new RateLimiterMemory({
    points: limits.newConnectionsPerAddressPerSecond,
    duration: 1,
  });
  /** Sockets that answered the last ping (the keep-alive sweep cuts the others). */
  const answered = new WeakSet<WebSocket>();

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = request.url?.split('?')[0];
    if (path !== options.path) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    const clientAddress = options.clientAddress(request);
    newConnections.consume(clientAddress).then(
      () => wss.handleUpgrade(request, socket, head, (ws) => opened(ws, clientAddress)),
      (refusal: unknown) => {
        const retryAfter = refusal instanceof RateLimiterRes ? Math.ceil(refusal.msBeforeNext / 1000) : 1;
        socket.end(
          `HTTP/1.1 429 Too Many Requests\r\nRetry-After: ${Math.max(1, retryAfter)}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
        );
      },
    );
  };
  options.httpServer.on('upgrade', onUpgrade);

  function opened(socket: WebSocket, clientAddress: string) {
    answered.add(socket);
    socket.on('pong', () => answered.add(socket));
    // On a bad frame (one over maxPayload: 1009) ws has already sent its close and goes on reading
    // and discarding what the client still sends: cutting now would reset a client still writing a
    // large frame before it reads the close, which it would see as 1006. Cut only one that does
    // not finish closing.
    socket.once('error', () => setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref());
    const extra = { socket, clientAddress, ...options.extra?.(socket, clientAddress) } as E;
    const closed = options.server.opened(
      {
        protocol: socket.protocol,
        send(data) {
          const message = options.finish ? options.finish(data) : data;
          if (socket.readyState === socket.OPEN) socket.send(message);
        },
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on('message', (data) => {
            handle(String(data)).catch(() =>
              socket.close(CloseCode.InternalServerError, 'Internal server error'),
            );
          }),
      },
      extra,
    );
    socket.once('close', (code, reason) => void closed(code, String(reason)));
  }

  // One timer pings every socket; a socket that did not answer the previous round is cut.
  const keepAlive = setInterval(() => {
    for (const socket of wss.clients) {
      // A closing socket reads no pong (a frame too big is still being drained): ws cuts it when
      // its close does not complete.
      if (socket.readyState !== socket.OPEN) continue;
      if (!answered.has(socket)) {
        socket.terminate();
        continue;
      }
      answered.delete(socket);
      socket.ping();
    }
  }, limits.keepAliveMs);
  keepAlive.unref();

  return {
    wss,
    /** Closes every socket with 1001 (going away: reconnect elsewhere) and stops accepting new ones. */
    async close() {
      clearInterval(keepAlive);
      options.httpServer.off('upgrade', onUpgrade);
      for (const socket of wss.clients) socket.close(1001, 'Going away');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
    /** Cuts every socket at once (a crash, in tests). */
    terminate() {
      for (const socket of wss.clients) socket.terminate();
    },
  };
}
