import { signInternalIdentity, type Identity } from '@switchboard/core';
import { LRUCache } from 'lru-cache';

/**
 * Internal identity tokens for the gateway's own operations (subscription payloads, access checks,
 * replays). A token lives 60 s; one is reused for 30 s rather than signed per event.
 */
export function createInternalTokens(secret: string, max = 10_000) {
  const tokens = new LRUCache<string, string>({ max, ttl: 30_000 });
  return async function tokenFor(identity: Identity): Promise<string> {
    const key = JSON.stringify(identity);
    const cached = tokens.get(key);
    if (cached) return cached;
    const token = await signInternalIdentity(identity, secret);
    tokens.set(key, token);
    return token;
  };
}
