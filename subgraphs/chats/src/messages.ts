import { badInput, forbidden, notFound, recordEvent } from '@switchboard/core';
import type {
  MutationDeleteMessageArgs,
  MutationEditMessageArgs,
  MutationSendMessageArgs,
  Resolvers,
} from './__generated__/resolvers-types.ts';
import { chatAccess, messageAccess, requireSender, requireUser } from './access.ts';
import { blockedBetween, directPair } from './blocks.ts';
import type { ChatsContext } from './context.ts';
import { isUniqueViolation, transaction } from './db.ts';
import type { Chat, Message, PrismaClient } from './generated/prisma/client.ts';
import { messageAdded, messageUpdated } from './liveEvents.ts';
import { asUuid, uuidInput } from './uuid.ts';

const MAX_BODY_BYTES = 64 * 1024;
const MAX_CLIENT_ID = 64;
const MAX_ATTACHMENTS = 10;

/** At most 64 KiB of UTF-8; an empty body counts as none, and a message needs a body or media. */
function messageBody(body: string | null | undefined, hasAttachments: boolean): string | null {
  const text = body || null;
  if (text !== null && Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES)
    throw badInput('body must be at most 64 KiB', 'body');
  if (text === null && !hasAttachments) throw badInput('A message needs a body or an attachment', 'body');
  return text;
}

/** The message a previous try with this clientId stored, if any. */
async function storedMessage(db: PrismaClient, senderId: string, clientId: string, chatId: string) {
  const message = await db.message.findUnique({ where: { senderId_clientId: { senderId, clientId } } });
  if (message && message.chatId !== chatId)
    throw badInput('clientId was already used for a message in another chat', 'clientId');
  return message;
}

async function replyTarget(ctx: ChatsContext, chatId: string, replyToId: string): Promise<Message> {
  const id = asUuid(replyToId);
  const target = id ? await ctx.loaders.message.load(id) : null;
  if (!target || target.chatId !== chatId)
    throw badInput('replyToId must be a message of this chat', 'replyToId');
  return target;
}

/** Only media the sender uploaded (chats' projection of media's MediaCreated events). */
async function checkAttachments(db: PrismaClient, senderId: string, mediaIds: string[]): Promise<void> {
  if (mediaIds.length === 0) return;
  const owned = await db.attachableMedia.count({ where: { mediaId: { in: mediaIds }, ownerId: senderId } });
  if (owned !== mediaIds.length) throw badInput('attachmentIds must be media you uploaded', 'attachmentIds');
}

async function refuseBlockedDirectChat(db: PrismaClient, chat: Chat, senderId: string): Promise<void> {
  if (chat.kind !== 'DIRECT' || !chat.directKey) return;
  const [a, b] = directPair(chat.directKey);
  if (await blockedBetween(db, senderId, a === senderId ? b : a))
    throw forbidden('You cannot message this user');
}

/**
 * Stores a message, numbered under the chat's row lock (design.md, principle 3), with its
 * MessageSent event in the same transaction (principle 2). Idempotent per (sender, clientId).
 */
async function sendMessage(
  _: unknown,
  { input }: MutationSendMessageArgs,
  ctx: ChatsContext,
): Promise<Message> {
  const me = requireUser(ctx);
  const { clientId } = input;
  if (clientId.length < 1 || clientId.length > MAX_CLIENT_ID)
    throw badInput(`clientId must be 1-${MAX_CLIENT_ID} characters`, 'clientId');
  const attachmentIds = [...new Set((input.attachmentIds ?? []).map((id) => uuidInput(id, 'attachmentIds')))];
  if (attachmentIds.length > MAX_ATTACHMENTS)
    throw badInput(`At most ${MAX_ATTACHMENTS} attachments`, 'attachmentIds');
  const body = messageBody(input.body, attachmentIds.length > 0);
  const encrypted = input.encrypted ?? false;
  const { chat } = await chatAccess(ctx, input.chatId);

  const stored = await storedMessage(ctx.db, me, clientId, chat.id);
  if (stored) return stored;
  await refuseBlockedDirectChat(ctx.db, chat, me);
  const replyTo = input.replyToId == null ? null : await replyTarget(ctx, chat.id, input.replyToId);
  const replyToId = replyTo?.id ?? null;
  await checkAttachments(ctx.db, me, attachmentIds);

  try {
    const message = await transaction(ctx.db, async (tx) => {
      // The UPDATE takes the chat's row lock until commit: concurrent senders queue here, so
      // seqs are handed out in commit order with no gap.
      const [numbered] = await tx.$queryRaw<{ lastSeq: number; title: string | null }[]>`
        UPDATE "chats"."Chat" SET "lastSeq" = "lastSeq" + 1, "lastMessageAt" = now()
        WHERE "id" = ${chat.id}::uuid
        RETURNING "lastSeq", "title"`;
      if (!numbered) throw notFound('Chat');
      // Read under the lock: membership changes take it too, so this is who the message reaches.
      const members = await tx.chatMember.findMany({ where: { chatId: chat.id }, select: { userId: true } });
      if (!members.some((member) => member.userId === me)) throw notFound('Chat');
      const message = await tx.message.create({
        data: {
          chatId: chat.id,
          seq: numbered.lastSeq,
          senderId: me,
          clientId,
          body,
          encrypted,
          replyToId,
          attachmentIds,
        },
      });
      await recordEvent(tx, 'MessageSent', {
        messageId: message.id,
        chatId: chat.id,
        seq: message.seq,
        senderId: me,
        recipientIds: members.map((member) => member.userId).filter((id) => id !== me),
        encrypted,
        attachmentIds,
        chatTitle: numbered.title,
      });
      return message;
    });
    // Only a message stored now is news; a retry that found the stored one (above, below) is not.
    ctx.live.publishAfterCommit(...messageAdded(message, replyTo));
    return message;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // A concurrent retry stored it first. This transaction rolled back whole: no seq was used.
    const winner = await storedMessage(ctx.db, me, clientId, chat.id);
    if (!winner) throw error;
    return winner;
  }
}

async function editMessage(_: unknown, args: MutationEditMessageArgs, ctx: ChatsContext): Promise<Message> {
  const { message } = await messageAccess(ctx, args.id);
  requireSender(ctx, message);
  if (message.deletedAt) throw badInput('A deleted message cannot be edited', 'id');
  const body = messageBody(args.body, message.attachmentIds.length > 0);
  // `deletedAt: null` in the write itself: a delete that won the race stays deleted.
  const { count } = await ctx.db.message.updateMany({
    where: { id: message.id, deletedAt: null },
    data: { body, editedAt: new Date() },
  });
  if (count === 0) throw badInput('A deleted message cannot be edited', 'id');
  ctx.live.publishAfterCommit(...messageUpdated(message));
  return ctx.db.message.findUniqueOrThrow({ where: { id: message.id } });
}

/**
 * Keeps the row, its id and seq (history stays gap-free) and removes what it said: body,
 * attachments and reactions. Deleting again changes nothing.
 */
async function deleteMessage(
  _: unknown,
  args: MutationDeleteMessageArgs,
  ctx: ChatsContext,
): Promise<Message> {
  const { message } = await messageAccess(ctx, args.id);
  requireSender(ctx, message);
  if (message.deletedAt) return message;
  const { deleted, stored } = await transaction(ctx.db, async (tx) => {
    const { count } = await tx.message.updateMany({
      where: { id: message.id, deletedAt: null },
      data: { body: null, attachmentIds: [], deletedAt: new Date() },
    });
    if (count > 0) await tx.reaction.deleteMany({ where: { messageId: message.id } });
    return { deleted: count > 0, stored: await tx.message.findUniqueOrThrow({ where: { id: message.id } }) };
  });
  // A concurrent delete that won the race announced it already.
  if (deleted) ctx.live.publishAfterCommit(...messageUpdated(message));
  return stored;
}

export const messageResolvers = {
  Mutation: { sendMessage, editMessage, deleteMessage },
  Message: {
    __resolveReference: async (ref: { id: string }, ctx: ChatsContext) =>
      (await messageAccess(ctx, ref.id)).message,
    chat: async (message: Message, _: unknown, ctx: ChatsContext) =>
      (await chatAccess(ctx, message.chatId)).chat,
    sender: (message: Message) => ({ __typename: 'User', id: message.senderId }),
    replyTo: (message: Message, _: unknown, ctx: ChatsContext) =>
      message.replyToId ? ctx.loaders.message.load(message.replyToId) : null,
    attachments: (message: Message) => message.attachmentIds.map((id) => ({ __typename: 'Media', id })),
  },
} satisfies Resolvers;
