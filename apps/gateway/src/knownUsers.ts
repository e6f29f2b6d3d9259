import { createClient } from '@connectrpc/connect';
import { ErrorCode, appError, type IdentitySigner } from '@switchboard/core';
import { MAX_IDS_PER_CALL, createRpcTransport } from '@switchboard/rpc';
import { UsersService } from '@switchboard/rpc/users/v1';
import DataLoader from 'dataloader';
import { LRUCache } from 'lru-cache';

export interface KnownUsersOptions {
  /** users' gRPC server (USERS_RPC_URL). */
  url: string;
  signer: IdentitySigner;
  /** How long "this user exists" is believed without asking again (default 60 s). */
  ttlMs?: number;
  /** How long "no such user" is believed (default 5 s): a token's user may be created just after. */
  unknownTtlMs?: number;
  /** Users remembered (default 100,000). */
  maxEntries?: number;
}

export interface KnownUsers {
  /** Whether `userId` names a user; SERVICE_UNAVAILABLE when users cannot say and nothing is known. */
  exists(userId: string): Promise<boolean>;
  /** Drops what is remembered of a user (a deleted user would be announced, then dropped here). */
  forget(userId: string): void;
}

/**
 * Which user ids name a user, asked of users over the internal gRPC plane (UsersService.Exist): a
 * correctly signed token whose user does not exist is refused at the door. The answer is kept per
 * user for a bounded time, so a signed-in user costs one call per `ttlMs` per gateway, not one per
 * request; misses of the same moment go out together as one call. When users cannot answer, the
 * last answer (if any) stands.
 */
export function createKnownUsers(options: KnownUsersOptions): KnownUsers {
  const unknownTtlMs = options.unknownTtlMs ?? 5_000;
  const users = createClient(
    UsersService,
    createRpcTransport({
      baseUrl: options.url,
      audience: 'users',
      signer: options.signer,
      defaultTimeoutMs: 2_000,
    }),
  );
  const loader = new DataLoader<string, boolean>(
    async (ids) => {
      const existing = new Set((await users.exist({ userIds: [...ids] })).existingUserIds);
      return ids.map((id) => existing.has(id));
    },
    { cache: false, maxBatchSize: MAX_IDS_PER_CALL },
  );
  const cache = new LRUCache<string, boolean>({
    max: options.maxEntries ?? 100_000,
    ttl: options.ttlMs ?? 60_000,
    fetchMethod: async (userId, stale, { options: fetchOptions }) => {
      let exists: boolean;
      try {
        exists = await loader.load(userId);
      } catch (error) {
        // users cannot answer now: what it said last stands (for another while); else the caller hears so.
        if (stale !== undefined) return stale;
        throw error;
      }
      if (!exists) fetchOptions.ttl = unknownTtlMs;
      return exists;
    },
  });
  return {
    async exists(userId) {
      try {
        return (await cache.fetch(userId)) === true;
      } catch {
        throw appError(ErrorCode.SERVICE_UNAVAILABLE, 'The users service is unavailable; retry shortly', {
          retryAfter: 1,
          http: { status: 503, headers: new Map([['retry-after', '1']]) },
        });
      }
    },
    forget: (userId) => void cache.delete(userId),
  };
}
