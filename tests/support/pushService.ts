import { createECDH, randomBytes, type ECDH } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import ece from 'http_ece';

export interface ReceivedPush {
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
  /** The status this fake push service answered with; undefined if it never answered. */
  status?: number;
}

/** A browser's push subscription: the keys it hands the server, and the private half it keeps. */
export interface TestSubscription {
  input: { endpoint: string; p256dh: string; auth: string };
  ecdh: ECDH;
  decrypt(body: Buffer): unknown;
}

/**
 * Stands in for a Web Push service (RFC 8030): records each request and answers 201, or whatever
 * `respond` decides (return null to leave the request hanging).
 */
export async function startPushService() {
  const received: ReceivedPush[] = [];
  let respond: (push: ReceivedPush, res: ServerResponse) => number | null = () => 201;
  const listeners = new Set<() => void>();
  let connections = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const push: ReceivedPush = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      received.push(push);
      const status = respond(push, res);
      if (status !== null) {
        push.status = status;
        res.writeHead(status).end();
      }
      for (const listener of listeners) listener();
    });
  });
  // Any TCP connection counts, also one that never becomes an HTTP request (a TLS handshake).
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;

  return {
    received,
    port,
    /** `host:port` as PUSH_ALLOW_HOSTS lists it. */
    host: `127.0.0.1:${port}`,
    connections: () => connections,
    /** Accepted pushes (201) for one subscription path. */
    accepted: (path: string) => received.filter((push) => push.path === path && push.status === 201),
    onRequest(handler: typeof respond) {
      respond = handler;
    },
    subscription(name: string): TestSubscription {
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const auth = randomBytes(16);
      return {
        input: {
          endpoint: `${base}/push/${name}`,
          p256dh: ecdh.getPublicKey().toString('base64url'),
          auth: auth.toString('base64url'),
        },
        ecdh,
        decrypt(body) {
          const plain = ece.decrypt(body, {
            version: 'aes128gcm',
            privateKey: ecdh,
            authSecret: auth.toString('base64url'),
          });
          return JSON.parse(plain.toString('utf8'));
        },
      };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
