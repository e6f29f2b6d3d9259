import {
  DateTime,
  badInput,
  deliveryKey,
  forbidden,
  isSignedIn,
  notFound,
  unauthenticated,
  isUuid,
} from '@switchboard/core';
import type { LiveEvent } from '@switchboard/messaging';
import type {
  MutationSetTypingArgs,
  Query_PresenceAccessArgs,
  Query_TypingAccessArgs,
  Resolvers,
} from './__generated__/resolvers-types.ts';
import type { PresenceContext } from './context.ts';
import { presenceOf } from './status.ts';
import type { UserRepresentation } from './userRepresentation.ts';

const MAX_PRESENCE_USERS = 100;

/**
 * The caller's membership of a chat, from presence's projection of chats' membership events, with
 * the chat's membership version read in the same statement (the `accessVersion` of typing). The
 * projection arrives after the mutation that changed it answered, so a miss is asked of chats,
 * the owner: a member of a chat just created or joined is one at once.
 */
async function memberOf(context: PresenceContext, chatId: string, userId: string) {
  if (!isUuid(chatId)) throw notFound('Chat');
  const id = chatId.toLowerCase();
  const [member] = await context.db.$queryRaw<{ chatId: string; version: number }[]>`
    SELECT m."chatId"::text AS "chatId", COALESCE(v."memberVersion", 0) AS "version"
    FROM "presence"."ChatMembership" m
    LEFT JOIN "presence"."ChatVersion" v ON v."chatId" = m."chatId"
    WHERE m."chatId" = ${id}::uuid AND m."userId" = ${userId}::uuid`;
  if (member) return member;
  const owner = await context.chatMember(id, userId);
  if (!owner.member) throw notFound('Chat');
  return { chatId: id, version: owner.version };
}

function requireUser(context: PresenceContext): string {
  if (!context.identity.userId) throw unauthenticated();
  return context.identity.userId;
}

/** The live event the gateway is resolving this subscription payload for. */
function liveEventOf<T extends LiveEvent['type']>(
  context: PresenceContext,
  type: T,
): Extract<LiveEvent, { type: T }> {
  const event = context.liveEvent as LiveEvent | undefined;
  if (!event || event.type !== type) throw badInput(`Expected a ${type} live event`);
  return event as Extract<LiveEvent, { type: T }>;
}

const servedByGateway = () => {
  throw forbidden('Subscriptions are served by the gateway over WebSocket');
};

export const resolvers: Resolvers = {
  DateTime,
  User: {
    __resolveReference(user: UserRepresentation) {
      return user;
    },
    // lastSeenVisibility comes from users through @requires.
    presence: (user: UserRepresentation, _args: unknown, context: PresenceContext) =>
      isUuid(user.id)
        ? presenceOf(context, user.id, user.lastSeenVisibility === 'NOBODY')
        : { status: 'OFFLINE', lastSeenAt: null },
  },
  Query: {
    // @live access of `typing`: members only, like setTyping, with the version it was granted at.
    async _typingAccess(_root: unknown, args: Query_TypingAccessArgs, context: PresenceContext) {
      const { chatId, version } = await memberOf(context, args.chatId, requireUser(context));
      return [{ key: chatId, version }];
    },
    // @live access of `presenceChanged`: any signed-in user may watch up to 100 users.
    _presenceAccess(_root: unknown, args: Query_PresenceAccessArgs, context: PresenceContext) {
      requireUser(context);
      const userIds = [...new Set(args.userIds)];
      if (userIds.length === 0 || userIds.length > MAX_PRESENCE_USERS)
        throw badInput(`userIds takes 1 to ${MAX_PRESENCE_USERS} ids`, 'userIds');
      return userIds;
    },
  },
  Mutation: {
    async setTyping(_root: unknown, args: MutationSetTypingArgs, context: PresenceContext) {
      const userId = requireUser(context);
      const member = await memberOf(context, args.chatId, userId);
      await context.typing.set(member.chatId, userId, args.isTyping, member.version);
      return true;
    },
  },
  Subscription: {
    typing: {
      subscribe: servedByGateway,
      async resolve(_root: unknown, _args: unknown, context: PresenceContext) {
        const event = liveEventOf(context, 'typing');
        // A subscriber reads it as a member; a delivery is scoped to the one chat the gateway
        // checked its subscribers' membership of.
        if (context.identity.userId) await memberOf(context, event.chatId, context.identity.userId);
        else if (deliveryKey(context.identity, 'chat') !== event.chatId) throw notFound('Chat');
        return {
          chatId: event.chatId,
          isTyping: event.isTyping,
          user: { __typename: 'User', id: event.userId },
        };
      },
    },
    presenceChanged: {
      subscribe: servedByGateway,
      async resolve(_root: unknown, _args: unknown, context: PresenceContext) {
        if (!isSignedIn(context.identity)) throw unauthenticated();
        const { userId } = liveEventOf(context, 'presenceChanged');
        const hidden = (await context.db.hiddenLastSeen.count({ where: { userId } })) > 0;
        return { ...(await presenceOf(context, userId, hidden)), user: { __typename: 'User', id: userId } };
      },
    },
  },
};
