import { lookup as systemLookup, type LookupAddress } from 'node:dns';
import { Agent as HttpAgent, request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';
import { z } from 'zod';

/**
 * Where push notifications may go. Push services are public, so the worker never POSTs to an
 * address that is not: loopback, private, link-local (cloud metadata), unique-local, CGNAT,
 * multicast, unspecified, reserved, IPv4-mapped or -translated. The rule holds at registration
 * (`pushTargetRefusal`) and again on the address the worker actually connects to
 * (`createPushSender`, through request-filtering-agent), since DNS can change in between.
 */
export interface PushTargetOptions {
  /**
   * `host:port` pairs exempt from the rule, over http too: a local push service in development
   * and tests (`PUSH_ALLOW_HOSTS`). Never in production (`refusePushAllowHostsInProduction`).
   */
  allowHosts?: readonly string[];
  /** Resolves host names; the system resolver unless a test injects one. */
  lookup?: LookupFunction;
}

/** IPv4-compatible IPv6 (`::a.b.c.d`, deprecated): ipaddr.js counts it as unicast. */
const IPV4_COMPATIBLE = '::/96';
const ipv4Compatible = ipaddr.parseCIDR(IPV4_COMPATIBLE);

/** The rule request-filtering-agent applies (ipaddr.js's `unicast` range), plus IPV4_COMPATIBLE. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.parse(address);
  if (parsed.range() !== 'unicast') return false;
  return !(parsed.kind() === 'ipv6' && parsed.match(ipv4Compatible));
}

/** `host:port` with the scheme's default port filled in, as `PUSH_ALLOW_HOSTS` lists them. */
export function hostAndPort(url: URL): string {
  return `${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
}

/** Parses `PUSH_ALLOW_HOSTS` (comma-separated `host:port`); throws on an entry that is not one. */
export function parseAllowHosts(value: string): string[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      if (!/:\d+$/.test(entry) || !URL.canParse(`http://${entry}`))
        throw new Error(`"${entry}" is not host:port`);
      return hostAndPort(new URL(`http://${entry}`));
    });
}

/** Read by the users subgraph (registration) and the worker (sending) alike. */
export const pushTargetEnv = {
  /** Development only: comma-separated `host:port` of a local push service, e.g. 127.0.0.1:4398. */
  PUSH_ALLOW_HOSTS: z
    .string()
    .default('')
    .transform((value, ctx) => {
      try {
        return parseAllowHosts(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
};

/** Production never lets the worker reach a non-public push target. */
export function refusePushAllowHostsInProduction(env: {
  NODE_ENV: string;
  PUSH_ALLOW_HOSTS: readonly string[];
}): void {
  if (env.NODE_ENV === 'production' && env.PUSH_ALLOW_HOSTS.length > 0)
    throw new Error('PUSH_ALLOW_HOSTS is for development only; unset it in production');
}

function isAllowedHost(url: URL, options: PushTargetOptions): boolean {
  return (
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    (options.allowHosts ?? []).includes(hostAndPort(url))
  );
}

function resolveAll(host: string, lookup: LookupFunction): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    lookup(host, { all: true }, (error, addresses) => {
      if (error) reject(error);
      else resolve(Array.isArray(addresses) ? addresses : [{ address: addresses, family: 0 }]);
    });
  });
}

/**
 * Why the worker must not send to `endpoint`, or null if it may: an https URL whose host is, or
 * resolves only to, public addresses (or an allowed host). For logs only: a client is told the
 * same thing whatever the reason, so it cannot learn which internal names exist.
 */
export async function pushTargetRefusal(
  endpoint: string,
  options: PushTargetOptions = {},
): Promise<string | null> {
  if (!URL.canParse(endpoint)) return 'not a URL';
  const url = new URL(endpoint);
  if (isAllowedHost(url, options)) return null;
  if (url.protocol !== 'https:') return `scheme ${url.protocol} (https only)`;
  // WHATWG URL has already turned 0x7f000001, 127.1 and 2130706433 into 127.0.0.1.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (ipaddr.isValid(host)) return isPublicAddress(host) ? null : `non-public address ${host}`;
  let addresses: LookupAddress[];
  try {
    addresses = await resolveAll(host, options.lookup ?? systemLookup);
  } catch (error) {
    return `${host} does not resolve (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
  }
  if (addresses.length === 0) return `${host} does not resolve`;
  const refused = addresses.find((entry) => !isPublicAddress(entry.address));
  return refused ? `${host} resolves to non-public address ${refused.address}` : null;
}

export interface PushRequest {
  endpoint: string;
  method: string;
  headers: OutgoingHttpHeaders;
  body: Buffer | string | null;
}

export interface PushSender {
  send(push: PushRequest): Promise<number>;
  close(): void;
}

/**
 * Sends push requests through agents that refuse a non-public address when the socket connects,
 * on the address resolved then (request-filtering-agent); only allowed hosts go through plain
 * agents. Resolves with the push service's status.
 */
export function createPushSender(options: PushTargetOptions & { timeoutMs?: number } = {}): PushSender {
  const filter = { denyIPAddressList: [IPV4_COMPATIBLE], keepAlive: true };
  const agents = {
    filtered: { http: new RequestFilteringHttpAgent(filter), https: new RequestFilteringHttpsAgent(filter) },
    allowed: { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) },
  };
  return {
    send(push: PushRequest): Promise<number> {
      const url = new URL(push.endpoint);
      const secure = url.protocol === 'https:';
      const agent = agents[isAllowedHost(url, options) ? 'allowed' : 'filtered'][secure ? 'https' : 'http'];
      return new Promise((resolve, reject) => {
        const request = (secure ? httpsRequest : httpRequest)(
          url,
          {
            method: push.method,
            headers: push.headers,
            agent,
            timeout: options.timeoutMs ?? 10_000,
            ...(options.lookup ? { lookup: options.lookup } : {}),
          },
          (response) => {
            response.resume(); // the body says nothing we use; drain it so the socket is reused
            resolve(response.statusCode ?? 0);
          },
        );
        request.on('timeout', () => request.destroy(new Error('push service timed out')));
        request.on('error', reject);
        request.end(push.body ?? undefined);
      });
    },
    close() {
      for (const group of Object.values(agents)) for (const agent of Object.values(group)) agent.destroy();
    },
  };
}
