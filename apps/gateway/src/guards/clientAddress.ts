import type { IncomingMessage } from 'node:http';

/**
 * The caller's IP address: the TCP peer, or, behind `trustedProxyHops` proxies of our own, the
 * address the outermost of them saw (X-Forwarded-For read from the right, as express's numeric
 * `trust proxy` does). Entries further left are the client's to write, so never trusted.
 */
export function clientAddress(request: IncomingMessage, trustedProxyHops = 0): string {
  const peer = request.socket.remoteAddress ?? 'unknown';
  if (trustedProxyHops <= 0) return peer;
  const header = request.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((address) => address.trim())
    .filter(Boolean);
  const chain = [peer, ...forwarded.reverse()];
  return chain[Math.min(trustedProxyHops, chain.length - 1)]!;
}
