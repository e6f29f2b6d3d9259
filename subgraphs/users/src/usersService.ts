import type { ServiceImpl } from '@connectrpc/connect';
import { GATEWAY_ISSUER, isUuid } from '@switchboard/core';
import { checkIdCount, requireIssuer } from '@switchboard/rpc';
import { UsersService } from '@switchboard/rpc/users/v1';
import type { PrismaClient } from './generated/prisma/client.ts';

/**
 * users' side of the internal gRPC plane (proto/switchboard/users/v1): which ids name a user, for
 * chats (before it stores a chat or members) and the gateway; which devices are active, for the
 * gateway (before it trusts a token).
 */
export function usersService(db: PrismaClient) {
  const impl: ServiceImpl<typeof UsersService> = {
    async exist(request, context) {
      requireIssuer(context, [GATEWAY_ISSUER, 'chats']);
      checkIdCount(request.userIds);
      checkIdCount(request.deviceIds);
      const [found, active] = await Promise.all([
        existingUsers(db, uuids(request.userIds)),
        activeDevices(db, uuids(request.deviceIds)),
      ]);
      return {
        existingUserIds: request.userIds.filter((id) => isUuid(id) && found.has(id.toLowerCase())),
        activeDevices: request.deviceIds.flatMap((deviceId) => {
          const userId = isUuid(deviceId) ? active.get(deviceId.toLowerCase()) : undefined;
          return userId ? [{ deviceId, userId }] : [];
        }),
      };
    },
  };
  return { service: UsersService, impl };
}

/** Ids are stored lower-case; anything that is not a UUID names nothing (and never reaches SQL). */
const uuids = (ids: readonly string[]) => [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))];

async function existingUsers(db: PrismaClient, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.user.findMany({ where: { id: { in: ids } }, select: { id: true } });
  return new Set(rows.map((row) => row.id));
}

/**
 * The active devices among `ids`, with their users. Only the gateway asks, for a device's token it
 * is about to trust, so the same statement records that the device was active: lastActiveAt moves
 * at most once a minute, and a device whose row is locked (being revoked) is skipped, never waited
 * for.
 */
async function activeDevices(db: PrismaClient, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.$queryRaw<{ id: string; userId: string }[]>`
    WITH touched AS (
      UPDATE "users"."Device" SET "lastActiveAt" = now()
      WHERE id IN (
        SELECT id FROM "users"."Device"
        WHERE id = ANY(${ids}::uuid[]) AND "revokedAt" IS NULL
          AND "lastActiveAt" < now() - interval '1 minute'
        FOR UPDATE SKIP LOCKED
      )
    )
    SELECT id::text, "userId"::text FROM "users"."Device"
    WHERE id = ANY(${ids}::uuid[]) AND "revokedAt" IS NULL`;
  return new Map(rows.map((row) => [row.id, row.userId]));
}
