import { createHmac } from 'node:crypto';
import type { TurnSettings } from '../config.ts';

/** Development default: fine on a laptop, refused in production (index.ts). */
export const DEV_TURN_SECRET = 'dev-only-turn-secret-change-me-in-production';
export const DEFAULT_TURN_CREDENTIAL_TTL_SECONDS = 3600;

export interface IceServer {
  urls: string[];
  username: string | null;
  credential: string | null;
  expiresAt: Date | null;
}

/**
 * TURN credentials by the TURN REST API convention (draft-uberti-behave-turn-rest), which coturn
 * checks with `use-auth-secret`: the username is `<expiry unix time>:<user id>`, the password the
 * base64 HMAC-SHA1 of the username with the shared secret. coturn refuses it once the expiry has
 * passed, and nobody can make one without the secret, which never leaves the server.
 */
export function turnCredential(
  userId: string,
  secret: string,
  ttlSeconds: number,
  now = Date.now(),
): { username: string; credential: string; expiresAt: Date } {
  const expiry = Math.floor(now / 1000) + ttlSeconds;
  const username = `${expiry}:${userId}`;
  return {
    username,
    credential: createHmac('sha1', secret).update(username).digest('base64'),
    expiresAt: new Date(expiry * 1000),
  };
}

/** RTCConfiguration.iceServers for one user: STUN as it is, TURN with a fresh credential. */
export function iceServersFor(userId: string, turn: TurnSettings): IceServer[] {
  const servers: IceServer[] = [];
  if (turn.stunUrls.length > 0)
    servers.push({ urls: turn.stunUrls, username: null, credential: null, expiresAt: null });
  if (turn.urls.length > 0)
    servers.push({ urls: turn.urls, ...turnCredential(userId, turn.secret, turn.credentialTtlSeconds) });
  return servers;
}
