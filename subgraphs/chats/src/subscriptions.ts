import { badInput, forbidden, notFound, asUuid } from '@switchboard/core';
import type { LiveEvent } from '@switchboard/messaging';
import type {
  Query_ChatAccessArgs,
  Query_MessagesAfterArgs,
  Resolvers,
  SubscriptionMessageAddedArgs,
  SubscriptionMessageUpdatedArgs,
  SubscriptionReceiptUpdatedArgs,
  SubscriptionResolvers,
} from './__generated__/resolvers-types.ts';
import { chatAccess, messageAccess, requireUser } from './access.ts';
import type { ChatsContext } from './context.ts';
import type { Message } from './generated/prisma/client.ts';

/**
 * The chats side of federated subscriptions (architecture.md, principles 4 and 7). schema.graphql
 * declares each Subscription field with @live: the gateway follows the channels, checks access
 * with `_chatAccess` and replays with `_messagesAfter`. Most events carry their payload
 * (liveEvents.ts); when a subscriber's selection needs more, the gateway sends the subscription's
 * primary fetch here with the event in `extensions.liveEvent`, and the `resolve` functions below
 * turn it into the payload. Subscribing directly is refused.
 */

type PayloadEvent = Extract<LiveEvent, { type: 'messageAdded' | 'messageUpdated' | 'receiptUpdated' }>;
type EventOf<T extends PayloadEvent['type']> = Extract<PayloadEvent, { type: T }>;

const isId = (value: unknown): value is string => typeof value === 'string' && value !== '';
const isSeq = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0;

/**
 * The event this request resolves, checked to be of the kind the field serves and of the chat the
 * subscription asked for; BAD_USER_INPUT otherwise.
 */
function liveEventOf<T extends PayloadEvent['type']>(
  ctx: ChatsContext,
  type: T,
  chatId: string | null | undefined,
): EventOf<T> {
  const event = (typeof ctx.liveEvent === 'object' ? ctx.liveEvent : null) as Record<string, unknown> | null;
  const valid =
    event !== null &&
    event['type'] === type &&
    isId(event['chatId']) &&
    (type === 'receiptUpdated'
      ? isId(event['userId']) && isSeq(event['deliveredSeq']) && isSeq(event['readSeq'])
      : isId(event['messageId']));
  if (!valid) throw badInput(`extensions.liveEvent must be a ${type} event`, 'extensions.liveEvent');
  if (chatId != null && asUuid(chatId) !== asUuid(event['chatId'] as string))
    throw badInput('extensions.liveEvent is an event of another chat', 'chatId');
  return event as unknown as EventOf<T>;
}

/** The event's message, with the same access check as any other read of it (NOT_FOUND). */
async function eventMessage(
  ctx: ChatsContext,
  type: 'messageAdded' | 'messageUpdated',
  args: { chatId?: string | null },
): Promise<Message> {
  const event = liveEventOf(ctx, type, args.chatId);
  const { message } = await messageAccess(ctx, event.messageId);
  if (message.chatId !== asUuid(event.chatId))
    throw badInput('extensions.liveEvent names a message of another chat', 'extensions.liveEvent');
  return message;
}

const servedByGateway = () => {
  throw forbidden('Subscriptions are served by the gateway over WebSocket');
};

export const subscriptionResolvers: SubscriptionResolvers = {
  messageAdded: {
    subscribe: servedByGateway,
    resolve: (_: unknown, args: SubscriptionMessageAddedArgs, ctx: ChatsContext) =>
      eventMessage(ctx, 'messageAdded', args),
  },
  messageUpdated: {
    subscribe: servedByGateway,
    resolve: (_: unknown, args: SubscriptionMessageUpdatedArgs, ctx: ChatsContext) =>
      eventMessage(ctx, 'messageUpdated', args),
  },
  receiptUpdated: {
    subscribe: servedByGateway,
    resolve: async (_: unknown, args: SubscriptionReceiptUpdatedArgs, ctx: ChatsContext) => {
      const { chatId, userId, deliveredSeq, readSeq } = liveEventOf(ctx, 'receiptUpdated', args.chatId);
      const { chat } = await chatAccess(ctx, chatId);
      return { chat, user: { __typename: 'User' as const, id: userId }, deliveredSeq, readSeq };
    },
  },
};

/** How many messages one replay call returns at most. */
const MAX_REPLAY = 500;

/**
 * Replay before live (architecture.md, principle 3): a chat's messages after `afterSeq`, oldest first,
 * for a member or for a follower of the chat's channel (the gateway's reconcile). The gateway
 * pages through them, then switches to live events.
 */
async function messagesAfter(
  _: unknown,
  args: Query_MessagesAfterArgs,
  ctx: ChatsContext,
): Promise<Message[]> {
  if (args.first < 1 || args.first > MAX_REPLAY)
    throw badInput(`first must be between 1 and ${MAX_REPLAY}`, 'first');
  if (args.afterSeq < 0) throw badInput('afterSeq must be at least 0', 'afterSeq');
  const { chat } = await chatAccess(ctx, args.chatId);
  return ctx.db.message.findMany({
    where: { chatId: chat.id, seq: { gt: args.afterSeq } },
    orderBy: { seq: 'asc' },
    take: args.first,
  });
}

/**
 * Which chats a subscriber may follow (`@live(access:)`): the one asked for, if a member
 * (NOT_FOUND otherwise, as for any read of it), or, with no chatId, every chat they are in. Each
 * with its last seq and its memberVersion, read in the statement that read the membership: a
 * version read after it could postdate a removal the membership predates, and the gateway would
 * take the removal's events for granted.
 */
async function chatAccessKeys(
  _: unknown,
  args: Query_ChatAccessArgs,
  ctx: ChatsContext,
): Promise<{ key: string; after: number; version: number }[]> {
  const userId = requireUser(ctx);
  const chatId = args.chatId == null ? null : asUuid(args.chatId);
  if (args.chatId != null && !chatId) throw notFound('Chat');
  const rows = await ctx.db.$queryRaw<{ key: string; after: number; version: number }[]>`
    SELECT c."id"::text AS "key", c."lastSeq" AS "after", c."memberVersion" AS "version"
    FROM "chats"."ChatMember" m JOIN "chats"."Chat" c ON c."id" = m."chatId"
    WHERE m."userId" = ${userId}::uuid AND (${chatId}::uuid IS NULL OR m."chatId" = ${chatId}::uuid)`;
  if (chatId && rows.length === 0) throw notFound('Chat');
  return rows;
}

/** Queries only the gateway sends (`@inaccessible`: not part of the client API). */
export const gatewayQueryResolvers = {
  Query: { _messagesAfter: messagesAfter, _chatAccess: chatAccessKeys },
} satisfies Resolvers;
