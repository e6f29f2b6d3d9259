import { asUuid } from '@switchboard/core';
import { Code, ConnectError, type ServiceImpl } from '@connectrpc/connect';
import { checkIdCount, requireIssuer } from '@switchboard/rpc';
import { ChatsService } from '@switchboard/rpc/chats/v1';
import type { LivePublisher } from '@switchboard/messaging';
import { applyBlockChange } from './blocks.ts';
import { appendCallSignals } from './callSignals.ts';
import { applyDevice } from './deviceProjection.ts';
import type { PrismaClient } from './generated/prisma/client.ts';
import { checkedDeviceIds, claimPushes, owedPushes, settlePushes, type PushClaim } from './owedPushes.ts';

/**
 * chats' side of the internal gRPC plane (proto/switchboard/chats/v1): users tells it of a block
 * before blockUser answers (applied to the same projection as the UserBlocked event, versioned by
 * that event's sequence, so whichever arrives second changes nothing), and of a device signed in
 * or revoked before signUp, signIn or revokeDevice answers; calls appends its signalling to the
 * inboxes of the devices it is for (callSignals.ts), and the worker the end of a call it ends;
 * the worker asks which devices are owed a push and claims them (owedPushes.ts); presence asks
 * whether a user is a member of a chat its projection does not know yet.
 */
export function chatsService(db: PrismaClient, live: LivePublisher) {
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
    async applyDevice(request, context) {
      requireIssuer(context, ['users']);
      const userId = asUuid(request.userId);
      const deviceId = asUuid(request.deviceId);
      if (!userId || !deviceId)
        throw new ConnectError('user_id and device_id must be ids', Code.InvalidArgument);
      await applyDevice(db, { userId, deviceId }, request.active);
      return {};
    },
    async appendCallSignals(request, context) {
      // The worker runs calls' jobs (ring timeouts, calls no device is left on, blocks): it ends calls too.
      requireIssuer(context, ['calls', 'worker']);
      return { appended: await appendCallSignals(db, live, request) };
    },
    async owedPushes(request, context) {
      requireIssuer(context, ['worker']);
      checkIdCount(request.deviceIds);
      const after = request.after;
      const devices = await owedPushes(db, {
        deviceIds: request.deviceIds.length > 0 ? checkedDeviceIds(request.deviceIds) : null,
        minAgeMs: request.minAgeMs,
        limit: request.limit,
        leaseMs: request.leaseMs,
        after: after
          ? { since: new Date(Number(after.sinceMs)), deviceId: checkedDeviceIds([after.deviceId])[0]! }
          : null,
      });
      return {
        devices: devices.map((owed) => ({
          ...owed,
          sinceMs: BigInt(owed.since.getTime()),
          ...(owed.chatTitle === null ? { chatTitle: undefined } : { chatTitle: owed.chatTitle }),
        })),
      };
    },
    async claimPushes(request, context) {
      requireIssuer(context, ['worker']);
      return { claimed: await claimPushes(db, pushClaims(request.claims), request.leaseMs) };
    },
    async settlePushes(request, context) {
      requireIssuer(context, ['worker']);
      await settlePushes(db, pushClaims(request.sent), pushClaims(request.released));
      return {};
    },
    // presence, when its projection of the membership does not have it (yet).
    async memberOf(request, context) {
      requireIssuer(context, ['presence']);
      const chatId = asUuid(request.chatId);
      const userId = asUuid(request.userId);
      if (!chatId || !userId) throw new ConnectError('chat_id and user_id must be ids', Code.InvalidArgument);
      const [row] = await db.$queryRaw<{ memberVersion: number }[]>`
        SELECT c."memberVersion" FROM "chats"."ChatMember" m JOIN "chats"."Chat" c ON c.id = m."chatId"
        WHERE m."chatId" = ${chatId}::uuid AND m."userId" = ${userId}::uuid`;
      return { member: row !== undefined, memberVersion: row?.memberVersion ?? 0 };
    },
  };
  return { service: ChatsService, impl };
}

function pushClaims(claims: readonly PushClaim[]): PushClaim[] {
  const deviceIds = claims.map((claim) => claim.deviceId);
  checkIdCount(deviceIds);
  checkedDeviceIds(deviceIds);
  return claims.map(({ deviceId, pos }) => ({ deviceId, pos }));
}
