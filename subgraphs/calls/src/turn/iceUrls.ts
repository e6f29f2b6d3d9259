import { BlockList, isIPv4 } from 'node:net';

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/**
 * Whether a `stun:`/`turn:` URL (RFC 7064, RFC 7065) names the machine it is read on: `localhost`,
 * 127.0.0.0/8 or ::1, however spelled (`127.1`, `[0::1]`, `[::ffff:127.0.0.1]`). Handed to a
 * client, such a URL points it at its own machine: fine in development, where both are one.
 */
export function isLoopbackIceUrl(url: string): boolean {
  // Between the scheme and the `?transport=` query is `host[:port]`, as in an HTTP URL.
  const hostAndPort = url.slice(url.indexOf(':') + 1).split('?')[0]!;
  let host: string;
  try {
    host = new URL(`http://${hostAndPort}`).hostname;
  } catch {
    return false;
  }
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host.startsWith('[')) return loopback.check(host.slice(1, -1), 'ipv6');
  return isIPv4(host) && loopback.check(host, 'ipv4');
}
