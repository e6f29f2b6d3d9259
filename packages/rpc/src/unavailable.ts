import { Code, ConnectError } from '@connectrpc/connect';
import { ErrorCode, appError } from '@switchboard/core';
import type { GraphQLError } from 'graphql';

/** gRPC codes that mean "not now" rather than "never": the caller's client may retry. */
const TRANSIENT = new Set([Code.Unavailable, Code.DeadlineExceeded, Code.ResourceExhausted, Code.Aborted]);

/**
 * What a resolver answers when an internal gRPC call it needs failed: SERVICE_UNAVAILABLE with
 * `retryAfter` (as the gateway answers for a subgraph it cannot reach) when the callee is down,
 * slow or restarting; anything else stays an internal error, masked for the client.
 */
export function rpcFailure(service: string, error: unknown): GraphQLError | Error {
  const connectError = ConnectError.from(error);
  if (TRANSIENT.has(connectError.code))
    return appError(ErrorCode.SERVICE_UNAVAILABLE, `The ${service} service is unavailable; retry shortly`, {
      retryAfter: 1,
    });
  return new Error(`${service} refused an internal call: ${connectError.message}`, { cause: error });
}
