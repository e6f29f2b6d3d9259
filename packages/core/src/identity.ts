import type { KeyObject } from 'node:crypto';
import { TokenError, createDecoder, createSigner, createVerifier } from 'fast-jwt';
import type { TrustedKeys } from './internalKeys.ts';

/**
 * Two kinds of token:
 * - the user token a client holds (`Authorization: Bearer`), issued by users at signUp/signIn;
 * - the internal identity token the gateway attaches to every subgraph request after verifying
 *   the user token once. Subgraphs accept identity only from the latter (architecture.md, principle 6):
 *   it is signed with the gateway's Ed25519 key (subgraphs hold only the public key), names the
 *   one subgraph it is for, and lives for seconds.
 */
export const INTERNAL_IDENTITY_HEADER = 'x-internal-identity';

const USER_AUDIENCE = 'switchboard:client';
const ISSUER = 'switchboard';

/**
 * Who is calling. `userId` is null for an anonymous caller (signUp, signIn); `deviceId` is the
 * device of the user's token (every user token speaks for one device), absent for a service or a
 * delivery.
 * `delivery` is set instead of a user when the gateway resolves one live event once for all the
 * subscribers who follow its channel (architecture.md, principle 4): it may read what any signed-in user
 * may read, plus what any follower of that channel may read (for `chat:<id>`, any member of that
 * chat), and no more. The gateway checked each subscriber's own access before following.
 */
export interface Identity {
  userId: string | null;
  deviceId?: string | null;
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

/**
 * Signers and verifiers are built once per key and kept: fast-jwt signs and verifies synchronously
 * with node:crypto, where jose's WebCrypto path cost ~100 us of async job per token, a fifth of a
 * subgraph's CPU per new socket (bench:connections).
 */
function memo<K extends object | string, V>(make: (key: K) => V): (key: K) => V {
  const made = new Map<K, V>();
  return (key) => {
    let value = made.get(key);
    if (value === undefined) {
      if (made.size >= 64) made.clear(); // a handful of secrets and keys live at once
      made.set(key, (value = make(key)));
    }
    return value;
  };
}

const userSigner = memo((secret: string) =>
  createSigner({ key: secret, algorithm: 'HS256', iss: ISSUER, aud: USER_AUDIENCE }),
);
const userVerifier = memo((secret: string) =>
  createVerifier({
    key: secret,
    algorithms: ['HS256'],
    allowedIss: ISSUER,
    allowedAud: USER_AUDIENCE,
    requiredClaims: ['sub', 'did', 'exp'],
  }),
);

/** The user token of one device of a user: `sub` the user, `did` the device. */
export async function signUserToken(
  subject: { userId: string; deviceId: string },
  secret: string,
  ttlSeconds: number,
): Promise<string> {
  return userSigner(secret)({
    sub: subject.userId,
    did: subject.deviceId,
    exp: Math.floor(Date.now() / 1000) + ttlSeconds,
  });
}

export type TokenProblem = 'expired' | 'invalid';

const isId = (value: unknown): value is string => typeof value === 'string' && value !== '';

/**
 * Verifies a user token; returns its user and device, or why it was refused. A token without a
 * device (issued before devices existed) is invalid: every token speaks for one device.
 */
export async function verifyUserToken(
  token: string,
  secret: string,
): Promise<{ userId: string; deviceId: string; expiresAt: number } | { problem: TokenProblem }> {
  try {
    const payload = userVerifier(secret)(token) as Record<string, unknown>;
    if (!isId(payload['sub']) || !isId(payload['did']) || typeof payload['exp'] !== 'number')
      return { problem: 'invalid' };
    return { userId: payload['sub'], deviceId: payload['did'], expiresAt: payload['exp'] * 1000 };
  } catch (error) {
    return {
      problem: error instanceof TokenError && error.code === TokenError.codes.expired ? 'expired' : 'invalid',
    };
  }
}

/** The issuer name of the gateway, the one process that vouches for users. */
export const GATEWAY_ISSUER = 'gateway';
/** Internal tokens live seconds: long enough for one operation, too short to be worth stealing. */
export const INTERNAL_TOKEN_TTL_SECONDS = 60;
const INTERNAL_ALGORITHM = 'EdDSA';

export interface InternalSigningOptions {
  /** The signing process's name (`gateway`, `users`): callees look its public key up by it. */
  issuer: string;
  key: KeyObject;
  /** The callee's name (`users`, `chats`, `media`, `presence`): the token is good there only. */
  audience: string;
  ttlSeconds?: number;
}

const pemOf = (key: KeyObject) =>
  key.export({ format: 'pem', type: key.type === 'private' ? 'pkcs8' : 'spki' }).toString();

/** One fast-jwt signer per private key, issuer, audience and lifetime. */
const internalSigners = new WeakMap<KeyObject, Map<string, (payload: Record<string, unknown>) => string>>();
function internalSigner(options: InternalSigningOptions) {
  let byAudience = internalSigners.get(options.key);
  if (!byAudience) internalSigners.set(options.key, (byAudience = new Map()));
  const ttlSeconds = options.ttlSeconds ?? INTERNAL_TOKEN_TTL_SECONDS;
  const name = `${options.issuer} ${options.audience} ${ttlSeconds}`;
  let sign = byAudience.get(name);
  if (!sign)
    byAudience.set(
      name,
      (sign = createSigner({
        key: pemOf(options.key),
        algorithm: INTERNAL_ALGORITHM,
        kid: options.issuer,
        iss: options.issuer,
        aud: options.audience,
        expiresIn: ttlSeconds * 1000,
      })),
    );
  return sign;
}

/** Signs one internal identity token; `createIdentitySigner` caches them. */
export async function signInternalIdentity(
  identity: Identity,
  options: InternalSigningOptions,
): Promise<string> {
  return internalSigner(options)({
    uid: identity.userId,
    ...(identity.deviceId ? { did: identity.deviceId } : {}),
    ...(identity.delivery ? { dlv: identity.delivery.channel } : {}),
  });
}

export interface IdentitySigner {
  readonly issuer: string;
  /** A token vouching for `identity` to `audience` alone. */
  tokenFor(identity: Identity, audience: string): Promise<string>;
}

/**
 * Signs internal identities as `issuer`, reusing each token for half its lifetime: an Ed25519
 * signature per subgraph request would cost CPU on every operation.
 */
export function createIdentitySigner(options: {
  issuer: string;
  key: KeyObject;
  ttlSeconds?: number;
  /** Tokens kept (per identity and audience) before the oldest is dropped. */
  cacheSize?: number;
}): IdentitySigner {
  const ttlSeconds = options.ttlSeconds ?? INTERNAL_TOKEN_TTL_SECONDS;
  const cacheSize = options.cacheSize ?? 10_000;
  const cache = new Map<string, { token: Promise<string>; reuseUntil: number }>();
  return {
    issuer: options.issuer,
    tokenFor(identity, audience) {
      const key = `${audience} ${identity.userId} ${identity.deviceId ?? ''} ${identity.delivery ? `d:${identity.delivery.channel}` : ''}`;
      const now = Date.now();
      const cached = cache.get(key);
      if (cached && cached.reuseUntil > now) return cached.token;
      const token = signInternalIdentity(identity, { ...options, audience, ttlSeconds });
      cache.delete(key);
      if (cache.size >= cacheSize) cache.delete(cache.keys().next().value!);
      cache.set(key, { token, reuseUntil: now + (ttlSeconds * 1000) / 2 });
      token.catch(() => cache.delete(key));
      return token;
    },
  };
}

/** Who vouched for a call, and for whom. */
export interface InternalCaller {
  issuer: string;
  identity: Identity;
}

export interface IdentityVerifierOptions {
  /** This service's name: tokens minted for another callee are refused. */
  audience: string;
  trustedKeys: TrustedKeys;
  /** Accept only these issuers (default: every issuer in `trustedKeys`). */
  issuers?: readonly string[];
  /** Verified tokens remembered, so a token reused by its signer is checked once (default 10,000). */
  cacheSize?: number;
}

/**
 * Verifies internal identity tokens: EdDSA only, signed by a trusted issuer's key (named by the
 * token's `kid`, which must equal its `iss`), naming this audience alone, unexpired. Returns null
 * otherwise.
 */
export function createIdentityVerifier(options: IdentityVerifierOptions) {
  const cacheSize = options.cacheSize ?? 10_000;
  const verified = new Map<string, { caller: InternalCaller; expiresAt: number }>();
  const keysOf = (issuer: string | undefined) =>
    issuer !== undefined && (!options.issuers || options.issuers.includes(issuer))
      ? (options.trustedKeys.get(issuer) ?? [])
      : [];

  /** One fast-jwt verifier per trusted key, for this audience. */
  const verifierOf = memo((key: KeyObject) =>
    createVerifier({
      key: pemOf(key),
      algorithms: [INTERNAL_ALGORITHM],
      allowedAud: options.audience,
      // fast-jwt checks allowedAud only when the token has an `aud`: one without is no one's.
      requiredClaims: ['exp', 'iss', 'aud'],
      complete: true,
    }),
  );

  async function check(token: string): Promise<{ caller: InternalCaller; expiresAt: number } | null> {
    for (const key of keysOf(decodeKid(token))) {
      try {
        const { header, payload } = verifierOf(key)(token) as {
          header: { kid?: unknown };
          payload: Record<string, unknown> & { iss: string; exp: number };
        };
        // A list of audiences passes allowedAud if one matches: a token names one callee alone.
        if (payload.iss !== header.kid || payload['aud'] !== options.audience) return null;
        const identity = identityOf(payload);
        return identity && { caller: { issuer: payload.iss, identity }, expiresAt: payload.exp * 1000 };
      } catch (error) {
        // Another key of the same issuer may have signed it (rotation); anything else is final.
        if (!(error instanceof TokenError && error.code === TokenError.codes.invalidSignature)) return null;
      }
    }
    return null;
  }

  return async function verify(token: string | undefined): Promise<InternalCaller | null> {
    if (!token) return null;
    const cached = verified.get(token);
    if (cached) {
      if (cached.expiresAt > Date.now()) return cached.caller;
      verified.delete(token);
      return null;
    }
    const result = await check(token);
    if (!result) return null;
    if (verified.size >= cacheSize) verified.delete(verified.keys().next().value!);
    verified.set(token, result);
    return result.caller;
  };
}

export type IdentityVerifier = ReturnType<typeof createIdentityVerifier>;

const decodeHeader = createDecoder({ complete: true });

function decodeKid(token: string): string | undefined {
  try {
    const kid = (decodeHeader(token) as { header: { kid?: unknown } }).header.kid;
    return typeof kid === 'string' ? kid : undefined;
  } catch {
    return undefined;
  }
}

function identityOf(payload: Record<string, unknown>): Identity | null {
  const uid = payload['uid'];
  const did = payload['did'];
  const delivery = payload['dlv'];
  if (uid !== null && typeof uid !== 'string') return null;
  if (did !== undefined && typeof did !== 'string') return null;
  const identity: Identity = did === undefined ? { userId: uid } : { userId: uid, deviceId: did };
  if (delivery === undefined) return identity;
  if (typeof delivery !== 'string') return null;
  return { ...identity, delivery: { channel: delivery } };
}

/** Parses `Bearer <token>`; returns undefined when there is no such header. */
export function bearerToken(header: string | undefined | null): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? '';
}
