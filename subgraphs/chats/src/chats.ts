import { badInput, forbidden, recordEvent, uuidInput } from '@switchboard/core';
import { forwardPage } from '@switchboard/subgraph';
import type {
  MutationCreateDirectChatArgs,
  MutationCreateGroupArgs,
  QueryChatsArgs,
  Resolvers,
} from './__generated__/resolvers-types.ts';
import { chatAccess, requireUser } from './access.ts';
import { blockedBetween } from './blocks.ts';
import type { ChatsContext } from './context.ts';
import { chatCursor, pageSize, parseChatCursor } from './cursors.ts';
import { isUniqueViolation, transaction } from './db.ts';
import type { Chat, ChatMember, Prisma } from './generated/prisma/client.ts';
import { announceJoined, appendJoined, MAX_MEMBERS } from './membership.ts';

const MAX_TITLE = 100;

function groupTitle(raw: string): string {
  const title = raw.trim();
  const length = [...title].length;
  if (length < 1 || length > MAX_TITLE) throw badInput(`title must be 1-${MAX_TITLE} characters`, 'title');
  return title;
}

/** The caller's chats, most recently active first (ties by id, so the order is total). */
async function chats(_: unknown, args: QueryChatsArgs, ctx: ChatsContext) {
  const userId = requireUser(ctx);
  const first = pageSize(args.first, 'first');
  const after = args.after == null ? null : parseChatCursor(args.after, 'after');
  const where: Prisma.ChatWhereInput = { members: { some: { userId } } };
  if (after)
    where.OR = [
      { lastMessageAt: { lt: after.lastMessageAt } },
      { lastMessageAt: after.lastMessageAt, id: { lt: after.id } },
    ];
  const rows = await ctx.db.chat.findMany({
    where,
    orderBy: [{ lastMessageAt: 'desc' }, { id: 'desc' }],
    take: first + 1,
  });
  // The list reorders as messages arrive, so "before the cursor" is only "a cursor was given".
  return forwardPage(rows, first, chatCursor, after !== null);
}

/**
 * One direct chat per pair: `directKey` is unique, so concurrent creates race safely. The other
 * user must exist (asked of users over gRPC; BAD_USER_INPUT otherwise), checked only when the chat
 * is new: an existing one was checked when it was made.
 */
async function createDirectChat(
  _: unknown,
  args: MutationCreateDirectChatArgs,
  ctx: ChatsContext,
): Promise<Chat> {
  const me = requireUser(ctx);
  const other = uuidInput(args.userId, 'userId');
  if (other === me) throw badInput('A direct chat needs another user', 'userId');
  if (await blockedBetween(ctx.db, me, other)) throw forbidden('You cannot message this user');
  const directKey = [me, other].sort().join(':');
  const existing = await ctx.db.chat.findUnique({ where: { directKey } });
  if (existing) return existing;
  await ctx.users.requireUsers([other], 'userId');
  try {
    const { chat, written } = await transaction(ctx.db, async (tx) => {
      const chat = await tx.chat.create({
        data: {
          kind: 'DIRECT',
          directKey,
          memberVersion: 1,
          members: { create: [{ userId: me }, { userId: other }] },
        },
      });
      for (const userId of [me, other])
        await recordEvent(tx, 'ChatMemberJoined', { chatId: chat.id, userId, memberVersion: 1 });
      await recordEvent(tx, 'DirectChatCreated', { chatId: chat.id, userIds: [me, other] });
      return { chat, written: await appendJoined(tx, chat.id, [me, other]) };
    });
    announceJoined(ctx, chat.id, [me, other], 0, written);
    return chat;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // The other side (or a retry) created it at the same moment; ours rolled back whole.
    return ctx.db.chat.findUniqueOrThrow({ where: { directKey } });
  }
}

/** Every member must exist (asked of users over gRPC): BAD_USER_INPUT naming the unknown ids otherwise. */
async function createGroup(_: unknown, { input }: MutationCreateGroupArgs, ctx: ChatsContext): Promise<Chat> {
  const me = requireUser(ctx);
  const title = groupTitle(input.title);
  const others = [...new Set(input.memberIds.map((id) => uuidInput(id, 'memberIds')))].filter(
    (id) => id !== me,
  );
  if (others.length + 1 > MAX_MEMBERS)
    throw badInput(`A group has at most ${MAX_MEMBERS} members`, 'memberIds');
  await ctx.users.requireUsers(others, 'memberIds');
  const { chat, written } = await transaction(ctx.db, async (tx) => {
    const chat = await tx.chat.create({
      data: {
        kind: 'GROUP',
        title,
        // Its first membership (docs/live-subscriptions.md: accessVersion).
        memberVersion: 1,
        members: { create: [{ userId: me, role: 'OWNER' }, ...others.map((userId) => ({ userId }))] },
      },
    });
    for (const userId of [me, ...others])
      await recordEvent(tx, 'ChatMemberJoined', { chatId: chat.id, userId, memberVersion: 1 });
    return { chat, written: await appendJoined(tx, chat.id, [me, ...others]) };
  });
  announceJoined(ctx, chat.id, [me, ...others], 0, written);
  return chat;
}

export const chatResolvers = {
  Query: {
    chats,
    chat: async (_, args, ctx) => (await chatAccess(ctx, args.id)).chat,
  },
  Mutation: { createDirectChat, createGroup },
  Chat: {
    // The gateway reaches a chat by reference too (subscriptions, other subgraphs): same check.
    __resolveReference: async (ref: { id: string }, ctx: ChatsContext) =>
      (await chatAccess(ctx, ref.id)).chat,
    members: (chat: Chat, _: unknown, ctx: ChatsContext) => ctx.loaders.members.load(chat.id),
    lastMessage: (chat: Chat, _: unknown, ctx: ChatsContext) =>
      chat.lastSeq === 0 ? null : ctx.loaders.messageAt.load({ chatId: chat.id, seq: chat.lastSeq }),
  },
  ChatMember: {
    user: (member: ChatMember) => ({ __typename: 'User', id: member.userId }),
  },
} satisfies Resolvers;
