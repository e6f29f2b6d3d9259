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
  /**
   * How long "this device is active" is believed without asking again (default 5 s): a gateway
   * that missed a revocation's announcement refuses the device once this runs out.
   */
  ttlMs?: number;
  /** How long "no such device, or revoked" is believed (default 60 s): a device never comes back. */
  refusedTtlMs?: number;
  /** Devices remembered (default 100,000). */
  maxEntries?: number;
}

export interface KnownUsers {
  /**
   * Whether `deviceId` is an active (not revoked) device of `userId`: then the user exists too.
   * SERVICE_UNAVAILABLE when users cannot say and nothing is remembered.
   */
  deviceActive(userId: string, deviceId: string): Promise<boolean>;
  /** A device was revoked (announced on the live bus): refused from now on, without asking. */
  revoked(deviceId: string): void;
}

/**
 * Which devices are active, asked of users over the internal gRPC plane (UsersService.Exist): a
 * correctly signed token whose device is unknown or revoked (or whose user is gone) is refused at
 * the door. The answer is kept per device for a short time, so a signed-in device costs one call
 * per `ttlMs` per gateway, not one per request; misses of the same turn of the event loop go out
 * together as one call. When users cannot answer, the last answer (if any) stands.
 */
export function createKnownUsers(options: KnownUsersOptions): KnownUsers {
  const refusedTtlMs = options.refusedTtlMs ?? 60_000;
  const users = createClient(
    UsersService,
    createRpcTransport({
      baseUrl: options.url,
      audience: 'users',
      signer: options.signer,
      defaultTimeoutMs: 2_000,
    }),
  );
  /** A device's user while it is active; false when it is unknown or revoked. */
  const loader = new DataLoader<string, string | false>(
    async (deviceIds) => {
      const { activeDevices } = await users.exist({ deviceIds: [...deviceIds] });
      const userOf = new Map(activeDevices.map((device) => [device.deviceId, device.userId]));
      return deviceIds.map((id) => userOf.get(id) ?? false);
    },
    // Batched per turn of the event loop, not per tick: sockets that connect together send their
    // connection_init in separate reads, and one call for all of them costs users one query.
    { cache: false, maxBatchSize: MAX_IDS_PER_CALL, batchScheduleFn: (callback) => setImmediate(callback) },
  );
  const cache = new LRUCache<string, string | false>({
    max: options.maxEntries ?? 100_000,
    ttl: options.ttlMs ?? 5_000,
    fetchMethod: async (deviceId, stale, { options: fetchOptions }) => {
      let userId: string | false;
      try {
        userId = await loader.load(deviceId);
      } catch (error) {
        // users cannot answer now: what it said last stands (for another while); else the caller hears so.
        if (stale !== undefined) return stale;
        throw error;
      }
      if (userId === false) fetchOptions.ttl = refusedTtlMs;
      return userId;
    },
  });
  return {
    async deviceActive(userId, deviceId) {
      try {
        return (await cache.fetch(deviceId)) === userId;
      } catch {
        // Revoked while its check was in flight (that fetch is then aborted), or users is down.
        if (cache.peek(deviceId) === false) return false;
        throw appError(ErrorCode.SERVICE_UNAVAILABLE, 'The users service is unavailable; retry shortly', {
          retryAfter: 1,
          http: { status: 503, headers: new Map([['retry-after', '1']]) },
        });
      }
    },
    // Set, not deleted: an answer to a call made before the revocation must not bring it back (a
    // fetch in flight when its entry is replaced is discarded).
    revoked: (deviceId) => void cache.set(deviceId, false, { ttl: refusedTtlMs }),
  };
}
