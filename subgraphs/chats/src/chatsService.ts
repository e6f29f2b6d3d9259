import { asUuid } from '@switchboard/core';
import { Code, ConnectError, type ServiceImpl } from '@connectrpc/connect';
import { requireIssuer } from '@switchboard/rpc';
import { ChatsService } from '@switchboard/rpc/chats/v1';
import { applyBlockChange } from './blocks.ts';
import type { PrismaClient } from './generated/prisma/client.ts';

/**
 * chats' side of the internal gRPC plane (proto/switchboard/chats/v1): users tells it of a block
 * before blockUser answers. Applied to the same projection as the UserBlocked event, versioned by
 * that event's sequence, so whichever arrives second changes nothing.
 */
export function chatsService(db: PrismaClient) {
  const impl: ServiceImpl<typeof ChatsService> = {
    async applyBlock(request, context) {
      requireIssuer(context, ['users']);
      const blockerId = asUuid(request.blockerId);
      const blockedId = asUuid(request.blockedId);
      if (!blockerId || !blockedId)
        throw new ConnectError('blocker_id and blocked_id must be ids', Code.InvalidArgument);
      const applied = await applyBlockChange(db, { blockerId, blockedId }, request.blocked, request.version);
      return { applied };
    },
  };
  return { service: ChatsService, impl };
}
