import {
  ErrorCode,
  appError,
  bearerToken,
  verifyUserToken,
  type Identity,
  type IdentitySigner,
} from '@switchboard/core';
import { LRUCache } from 'lru-cache';
import type { KnownUsers } from './knownUsers.ts';
import type { LiveEvent } from './live/liveEvent.ts';
import type { PrimaryProjection } from './live/primaryProjection.ts';

export interface GatewayContext {
  identity: Identity;
  /** The internal identity token for one subgraph (the audience), minted on first use and reused. */
  internalToken?: (audience: string) => Promise<string>;
  /** Set when resolving a subscription payload: the live event it is for, and its primary fetch. */
  live?: {
    event: LiveEvent;
    primary: { operation: string; project: PrimaryProjection };
  };
}

export interface AuthConfig {
  jwtSecret: string;
  /**
   * Whether a token's device is active, its user's (asked of users, remembered a while);
   * unchecked without it.
   */
  knownUsers?: KnownUsers;
}

/**
 * Verifies the caller's bearer token once, at the door. No header: anonymous (signUp and signIn
 * need that). A header with a bad or expired token, a token without a device, or one whose device
 * is unknown or revoked: UNAUTHENTICATED, never silently anonymous.
 */
export const sessionExpired = () =>
  appError(ErrorCode.UNAUTHENTICATED, 'Your session has expired; sign in again', { http: { status: 401 } });

/** A token whose device is unknown or was revoked (or is not its user's). */
export const deviceRevoked = () =>
  appError(ErrorCode.UNAUTHENTICATED, 'Unknown or revoked device; sign in again', { http: { status: 401 } });

/**
 * Tokens this gateway verified, until they expire: a client sends the same token with every
 * request, and checking its HMAC each time (WebCrypto, a key import per call) was a tenth of the
 * gateway's CPU per message. Per config, so gateways with different secrets in one process
 * (tests) never share one.
 */
const verifiedTokens = new WeakMap<
  AuthConfig,
  LRUCache<string, { userId: string; deviceId: string; expiresAt: number }>
>();

/** Like `authenticate`, and also says when the token runs out (null when anonymous). */
export async function authenticateSession(
  authorization: string | undefined | null,
  config: AuthConfig,
): Promise<{ identity: Identity; expiresAt: number | null }> {
  const token = bearerToken(authorization);
  if (token === undefined) return { identity: { userId: null }, expiresAt: null };
  let cache = verifiedTokens.get(config);
  if (!cache) verifiedTokens.set(config, (cache = new LRUCache({ max: 50_000 })));
  const cached = token ? cache.get(token) : undefined;
  const result =
    cached && cached.expiresAt > Date.now()
      ? cached
      : token
        ? await verifyUserToken(token, config.jwtSecret)
        : ({ problem: 'invalid' } as const);
  if ('problem' in result) {
    if (result.problem === 'expired') throw sessionExpired();
    throw appError(ErrorCode.UNAUTHENTICATED, 'Invalid token', { http: { status: 401 } });
  }
  if (result !== cached) cache.set(token!, result);
  // Correctly signed is not enough: the device must be active and its user's (it may have been
  // revoked, or the secret may have signed for a user since gone, or one of another environment).
  // Remembered per device for a few seconds, and forgotten at once on a revocation.
  if (config.knownUsers && !(await config.knownUsers.deviceActive(result.userId, result.deviceId)))
    throw deviceRevoked();
  return {
    identity: { userId: result.userId, deviceId: result.deviceId },
    expiresAt: result.expiresAt,
  };
}

export async function authenticate(
  authorization: string | undefined | null,
  config: AuthConfig,
): Promise<Identity> {
  return (await authenticateSession(authorization, config)).identity;
}

/** The context of one operation for an identity: it and the internal tokens sent to subgraphs. */
export function contextFor(identity: Identity, signer: IdentitySigner): GatewayContext {
  return { identity, internalToken: (audience) => signer.tokenFor(identity, audience) };
}

export async function createContext(
  authorization: string | undefined | null,
  config: AuthConfig,
  signer: IdentitySigner,
): Promise<GatewayContext> {
  return contextFor(await authenticate(authorization, config), signer);
}
