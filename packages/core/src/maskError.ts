import { defaultLog } from '@switchboard/observability';
import type { GraphQLFormattedError } from 'graphql';
import { isDatabaseUnavailable } from './databaseUnavailable.ts';
import { ErrorCode, isClientCode } from './errors.ts';

/**
 * Internal details never reach a client (contract: "Errors"); codes from the registry do.
 * Shared by the subgraphs and the gateway.
 */
export function maskError(
  formatted: GraphQLFormattedError,
  original: unknown,
  development: boolean,
  log: (message: string, error?: unknown) => void = defaultLog(),
): GraphQLFormattedError {
  // Apollo Server refuses some malformed requests (a hash that does not match its query) with a
  // 4xx status and no code: the client's mistake, not an internal error.
  const status = (original as { extensions?: { http?: { status?: number } } } | null)?.extensions?.http
    ?.status;
  // (Apollo labels errors without a code INTERNAL_SERVER_ERROR before they get here.)
  const given = formatted.extensions?.['code'];
  const clientMistake = status !== undefined && status >= 400 && status < 500;
  const code =
    clientMistake && (given === undefined || given === ErrorCode.INTERNAL_SERVER_ERROR)
      ? ErrorCode.BAD_REQUEST
      : given;
  if (isClientCode(code)) {
    formatted = { ...formatted, extensions: { ...formatted.extensions, code } };
    if (development) return formatted;
    const { stacktrace: _stack, exception: _exception, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  // Out of database connections (or the database restarting) is a fault like a subgraph down: the
  // client may retry, as the gateway tells it for a subgraph it cannot reach.
  if (isDatabaseUnavailable(original)) {
    log('database unavailable', original);
    return {
      message: 'The database is busy; retry shortly',
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: ErrorCode.SERVICE_UNAVAILABLE, retryAfter: 1 },
    };
  }
  log('internal error', original);
  if (development) return formatted;
  return {
    message: 'Internal server error',
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  };
}
