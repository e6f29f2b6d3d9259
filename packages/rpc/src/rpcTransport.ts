import type { Transport } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import type { IdentitySigner } from '@switchboard/core';
import { sendIdentity } from './identity.ts';

export interface RpcTransportOptions {
  /**
   * The callee's URL, e.g. http://127.0.0.1:5004; or a function read on the first call, for a
   * callee that is not listening yet when the caller is built (two services that call each other).
   */
  baseUrl: string | (() => string);
  /** The callee's name: the audience of the identity tokens sent. */
  audience: string;
  /** Signs this process's internal identity (the gateway's, or a subgraph's own key). */
  signer: IdentitySigner;
  /** Deadline of each call (default 5 s); a long-lived stream passes `timeoutMs: 0`. */
  defaultTimeoutMs?: number;
}

/**
 * A transport to one internal gRPC service: HTTP/2, one connection kept alive with PINGs (a dead
 * peer is noticed in seconds, not when TCP gives up), every call carrying the internal identity.
 */
export function createRpcTransport(options: RpcTransportOptions): Transport {
  const create = (baseUrl: string) =>
    createGrpcTransport({
      baseUrl,
      interceptors: [sendIdentity(options.signer, options.audience)],
      defaultTimeoutMs: options.defaultTimeoutMs ?? 5_000,
      pingIntervalMs: 5_000,
      pingTimeoutMs: 5_000,
    });
  const { baseUrl } = options;
  if (typeof baseUrl === 'string') return create(baseUrl);
  let transport: Transport | undefined;
  const get = () => (transport ??= create(baseUrl()));
  return {
    unary: (...args) => get().unary(...args),
    stream: (...args) => get().stream(...args),
  };
}
