import type { Identity } from '@switchboard/core';
import type { GraphQLError } from 'graphql';
import { deviceRevoked, sessionExpired } from '../context.ts';

/** Who a socket speaks for, as `connection_init` established it. */
export interface SocketSession {
  identity?: Identity;
  /** When the connection's token runs out (ms since the epoch); null when anonymous. */
  expiresAt?: number | null;
  /** Its device was revoked (users announced it): the session ended. */
  revoked?: boolean;
}

/**
 * Whether a socket's session still stands: null if so, else the error that refuses the operation
 * (the socket is then closed with 4403). Asked for every operation sent over the socket, queries
 * and mutations as well as subscriptions, and when its token's expiry comes; every reason a
 * session ends belongs here (a revoked device too).
 */
export function checkSocketSession(session: SocketSession, now = Date.now()): GraphQLError | null {
  if (session.revoked) return deviceRevoked();
  if (session.expiresAt != null && session.expiresAt <= now) return sessionExpired();
  return null;
}
