import { badInput } from '@switchboard/core';
import { chatAccess, requireUser } from './access.ts';
import type { ChatsContext } from './createServer.ts';
import type { Chat, Message } from './generated/prisma/client.ts';
import type { ResolverModule } from './resolvers.ts';

type Mark = 'delivered' | 'read';

/**
 * Moves the caller's mark forward, never back: GREATEST in one UPDATE, so concurrent marks from
 * several devices cannot move it back either. Reading implies delivery.
 */
async function moveMark(ctx: ChatsContext, mark: Mark, chatId: string, seq: number): Promise<Chat> {
  const me = requireUser(ctx);
  const { chat } = await chatAccess(ctx, chatId);
  if (seq < 0 || seq > chat.lastSeq) throw badInput(`seq must be between 0 and ${chat.lastSeq}`, 'seq');
  if (mark === 'read')
    await ctx.db.$executeRaw`
      UPDATE "chats"."ChatMember"
      SET "readSeq" = GREATEST("readSeq", ${seq}), "deliveredSeq" = GREATEST("deliveredSeq", ${seq})
      WHERE "chatId" = ${chat.id}::uuid AND "userId" = ${me}::uuid`;
  else
    await ctx.db.$executeRaw`
      UPDATE "chats"."ChatMember" SET "deliveredSeq" = GREATEST("deliveredSeq", ${seq})
      WHERE "chatId" = ${chat.id}::uuid AND "userId" = ${me}::uuid`;
  return chat;
}

/**
 * As the sender sees it: DELIVERED/READ once every other current member's mark reached it. With
 * nobody else left in the chat, it stays SENT.
 */
async function status(message: Message, _: unknown, ctx: ChatsContext) {
  const members = await ctx.loaders.members.load(message.chatId);
  const others = members.filter((member) => member.userId !== message.senderId);
  if (others.length === 0) return 'SENT';
  if (others.every((member) => member.readSeq >= message.seq)) return 'READ';
  if (others.every((member) => member.deliveredSeq >= message.seq)) return 'DELIVERED';
  return 'SENT';
}

export const receiptResolvers = {
  Mutation: {
    markDelivered: (_: unknown, args: { chatId: string; seq: number }, ctx: ChatsContext) =>
      moveMark(ctx, 'delivered', args.chatId, args.seq),
    markRead: (_: unknown, args: { chatId: string; seq: number }, ctx: ChatsContext) =>
      moveMark(ctx, 'read', args.chatId, args.seq),
  },
  Chat: {
    unreadCount: (chat: Chat, _: unknown, ctx: ChatsContext) => ctx.loaders.unreadCount.load(chat.id),
  },
  Message: { status },
} satisfies ResolverModule;
