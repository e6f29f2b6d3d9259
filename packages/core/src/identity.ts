import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';

/**
 * Two kinds of token:
 * - the user token a client holds (`Authorization: Bearer`), issued by users at signUp/signIn;
 * - the internal identity token the gateway attaches to every subgraph request after verifying
 *   the user token once. Subgraphs accept identity only from the latter (design.md, principle 6):
 *   it is signed with a secret clients never see and lives for seconds.
 */
export const INTERNAL_IDENTITY_HEADER = 'x-internal-identity';

const USER_AUDIENCE = 'switchboard:client';
const INTERNAL_AUDIENCE = 'switchboard:subgraph';
const ISSUER = 'switchboard';

/**
 * Who is calling. `userId` is null for an anonymous caller (signUp, signIn).
 * `delivery` is set instead of a user when the gateway resolves one live event once for all the
 * subscribers who follow its channel (design.md, principle 4): it may read what any signed-in user
 * may read, plus what any follower of that channel may read (for `chat:<id>`, any member of that
 * chat), and no more. The gateway checked each subscriber's own access before following.
 */
export interface Identity {
  userId: string | null;
  delivery?: { channel: string };
}

/** The key of a delivery's channel when it is of the given kind (`chat` -> the chat id), else null. */
export function deliveryKey(identity: Identity, kind: string): string | null {
  const channel = identity.delivery?.channel;
  return channel?.startsWith(`${kind}:`) ? channel.slice(kind.length + 1) : null;
}

/** Signed in, or a live-event delivery: may read what any signed-in user may. */
export const isSignedIn = (identity: Identity): boolean =>
  identity.userId !== null || identity.delivery !== undefined;

const key = (secret: string) => new TextEncoder().encode(secret);

export async function signUserToken(userId: string, secret: string, ttlSeconds: number): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(userId)
    .setIssuer(ISSUER)
    .setAudience(USER_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(key(secret));
}

export type TokenProblem = 'expired' | 'invalid';

/** Verifies a user token; returns the user id, or why it was refused. */
export async function verifyUserToken(
  token: string,
  secret: string,
): Promise<{ userId: string; expiresAt: number } | { problem: TokenProblem }> {
  try {
    const { payload } = await jwtVerify(token, key(secret), {
      issuer: ISSUER,
      audience: USER_AUDIENCE,
      algorithms: ['HS256'],
    });
    if (typeof payload.sub !== 'string' || payload.sub === '' || typeof payload.exp !== 'number')
      return { problem: 'invalid' };
    return { userId: payload.sub, expiresAt: payload.exp * 1000 };
  } catch (error) {
    return { problem: error instanceof joseErrors.JWTExpired ? 'expired' : 'invalid' };
  }
}

export async function signInternalIdentity(identity: Identity, secret: string): Promise<string> {
  const jwt = new SignJWT({
    uid: identity.userId,
    ...(identity.delivery ? { dlv: identity.delivery.channel } : {}),
  })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(ISSUER)
    .setAudience(INTERNAL_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + 60);
  return jwt.sign(key(secret));
}

/** Returns the identity the gateway vouched for, or null when the token is missing or forged. */
export async function verifyInternalIdentity(
  token: string | undefined,
  secret: string,
): Promise<Identity | null> {
  if (!token) return null;
  try {
    const { payload } = await jwtVerify(token, key(secret), {
      issuer: ISSUER,
      audience: INTERNAL_AUDIENCE,
      algorithms: ['HS256'],
    });
    const uid = payload['uid'];
    const delivery = payload['dlv'];
    if (uid !== null && typeof uid !== 'string') return null;
    if (delivery === undefined) return { userId: uid };
    if (typeof delivery !== 'string') return null;
    return { userId: uid, delivery: { channel: delivery } };
  } catch {
    return null;
  }
}

/** Parses `Bearer <token>`; returns undefined when there is no such header. */
export function bearerToken(header: string | undefined | null): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? '';
}
