import { GraphQLError } from 'graphql';

/** Every error code a client can see: the one registry (conventions.md: Errors). */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  RATE_LIMITED: 'RATE_LIMITED',
  PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  GRAPHQL_PARSE_FAILED: 'GRAPHQL_PARSE_FAILED',
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  /** An inbox cursor of another device, or older than what is kept: re-read, then resume from now. */
  RESYNC_REQUIRED: 'RESYNC_REQUIRED',
  /** A write that lost a race it must not silently win (a second commit for one epoch). */
  CONFLICT: 'CONFLICT',
  /** Apollo Server's own: a malformed HTTP request, or one its CSRF prevention blocked. */
  BAD_REQUEST: 'BAD_REQUEST',
  /** A subgraph did not answer (down, stalled or shedding load): retry after `retryAfter` seconds. */
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The one way to build an error a client may see: a GraphQLError with `extensions.code`. */
export function appError(
  code: ErrorCode,
  message: string,
  extensions: Record<string, unknown> = {},
): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, code } });
}

export const unauthenticated = (message = 'Sign in first') => appError(ErrorCode.UNAUTHENTICATED, message);
export const forbidden = (message = 'Not allowed') => appError(ErrorCode.FORBIDDEN, message);
export const notFound = (what: string) => appError(ErrorCode.NOT_FOUND, `${what} not found`);
export const badInput = (message: string, field?: string, extensions: Record<string, unknown> = {}) =>
  appError(ErrorCode.BAD_USER_INPUT, message, field ? { ...extensions, field } : extensions);

/** Codes that are safe to pass to a client unchanged; anything else is an internal error. */
const clientCodes = new Set<string>(Object.values(ErrorCode));
export function isClientCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && clientCodes.has(code) && code !== 'INTERNAL_SERVER_ERROR';
}
