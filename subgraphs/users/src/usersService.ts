import type { ServiceImpl } from '@connectrpc/connect';
import { GATEWAY_ISSUER, isUuid } from '@switchboard/core';
import { checkIdCount, requireIssuer } from '@switchboard/rpc';
import { UsersService } from '@switchboard/rpc/users/v1';
import type { PrismaClient } from './generated/prisma/client.ts';

/**
 * users' side of the internal gRPC plane (proto/switchboard/users/v1): which ids name a user, for
 * chats (before it stores a chat or members) and the gateway (before it trusts a token's user).
 */
export function usersService(db: PrismaClient) {
  const impl: ServiceImpl<typeof UsersService> = {
    async exist(request, context) {
      requireIssuer(context, [GATEWAY_ISSUER, 'chats']);
      checkIdCount(request.userIds);
      // Ids are stored lower-case; anything that is not a UUID names no user (and never reaches SQL).
      const ids = [...new Set(request.userIds.filter(isUuid).map((id) => id.toLowerCase()))];
      const rows =
        ids.length === 0 ? [] : await db.user.findMany({ where: { id: { in: ids } }, select: { id: true } });
      const found = new Set(rows.map((row) => row.id));
      return { existingUserIds: request.userIds.filter((id) => isUuid(id) && found.has(id.toLowerCase())) };
    },
  };
  return { service: UsersService, impl };
}
