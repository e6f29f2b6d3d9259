import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import { forbidden, notFound, unauthenticated } from '@switchboard/core';
import type { PresenceContext } from './createServer.ts';

interface UserRepresentation {
  id: string;
  lastSeenVisibility?: 'EVERYONE' | 'NOBODY';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function requireUser(context: PresenceContext): string {
  if (!context.identity.userId) throw unauthenticated();
  return context.identity.userId;
}

export const resolvers: GraphQLResolverMap<PresenceContext> = {
  User: {
    __resolveReference(user: UserRepresentation) {
      return user;
    },
    async presence(user: UserRepresentation, _args: unknown, context: PresenceContext) {
      const [online, lastSeen, lastActive] = await Promise.all([
        context.store.onlineAmong([user.id]),
        UUID.test(user.id) ? context.db.lastSeen.findUnique({ where: { userId: user.id } }) : null,
        context.store.lastActiveAt(user.id),
      ]);
      const isOnline = online.has(user.id);
      const idle = lastActive === null || Date.now() - lastActive > context.config.awayAfterMs;
      const hidden = user.lastSeenVisibility === 'NOBODY' && context.identity.userId !== user.id;
      return {
        status: !isOnline ? 'OFFLINE' : idle ? 'AWAY' : 'ONLINE',
        lastSeenAt: hidden || isOnline ? null : (lastSeen?.lastSeenAt ?? null),
      };
    },
  },
  Mutation: {
    async setTyping(_root: unknown, args: { chatId: string; isTyping: boolean }, context: PresenceContext) {
      const userId = requireUser(context);
      if (!UUID.test(args.chatId)) throw notFound('Chat');
      const member = await context.db.chatMembership.findUnique({
        where: { chatId_userId: { chatId: args.chatId, userId } },
      });
      if (!member) throw notFound('Chat');
      await context.typing.set(args.chatId, userId, args.isTyping);
      return true;
    },
  },
  Subscription: {
    typing: {
      subscribe: () => {
        throw forbidden('Subscriptions are served by the gateway over WebSocket');
      },
    },
    presenceChanged: {
      subscribe: () => {
        throw forbidden('Subscriptions are served by the gateway over WebSocket');
      },
    },
  },
};
