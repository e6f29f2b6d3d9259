import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Forwards to a real subgraph and counts what passes: a guard that refuses "before any subgraph is
 * called" must leave the count as it was. `failNext(n)` answers the next n requests (of a kind) with
 * 503, as a subgraph in trouble would; `stall()` holds them until `resume()`.
 */
export async function countingProxy(target: string) {
  let requests = 0;
  let failing = 0;
  /** Only requests whose body matches count towards `failing` (all of them when unset). */
  let failingWhen: RegExp | undefined;
  /** While stalled, requests wait here (a subgraph that stopped answering, e.g. SIGSTOP). */
  let stalled: Promise<void> | undefined;
  let unstall = () => {};
  const server: Server = createServer(async (req, res) => {
    requests += 1;
    await stalled;
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of req) chunks.push(chunk as Buffer);
    } catch {
      return; // the caller gave up on it (its deadline) while it was stalled
    }
    if (failing > 0 && (!failingWhen || failingWhen.test(Buffer.concat(chunks).toString()))) {
      failing -= 1;
      res.writeHead(503, { 'content-type': 'text/plain' }).end('unavailable');
      return;
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers))
      if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name))
        headers.set(name, value);
    try {
      const upstream = await fetch(new URL(req.url ?? '/', target), {
        method: req.method ?? 'POST',
        headers,
        ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
      });
      res.writeHead(upstream.status, {
        'content-type': upstream.headers.get('content-type') ?? 'application/json',
      });
      res.end(Buffer.from(await upstream.arrayBuffer()));
    } catch {
      // The subgraph behind it already stopped (late heartbeats while the stack shuts down).
      if (!res.headersSent) res.writeHead(502).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${new URL(target).pathname}`,
    requests: () => requests,
    /** Answers the next `count` requests (those whose body matches `when`, if given) with 503. */
    failNext(count: number, when?: RegExp) {
      failing = count;
      failingWhen = when;
    },
    /** Holds every request until `resume()`. */
    stall() {
      stalled ??= new Promise((resolve) => (unstall = resolve));
    },
    resume() {
      unstall();
      stalled = undefined;
    },
    close: () => {
      unstall();
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
