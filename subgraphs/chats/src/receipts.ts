import { badInput } from '@switchboard/core';
import { liveChannel } from '@switchboard/messaging';
import type { Resolvers } from './__generated__/resolvers-types.ts';
import { chatAccess, requireUser } from './access.ts';
import type { ChatsContext } from './context.ts';
import { memberVersion, transaction, type Tx } from './db.ts';
import type { Chat, ChatMember, Message } from './generated/prisma/client.ts';
import { freshMessages } from './freshMessages.ts';
import { announceInbox, appendInbox, messageChanged, type InboxItem } from './inbox.ts';
import { messageUpdated } from './liveEvents.ts';

type Mark = 'delivered' | 'read';
type Marks = Pick<ChatMember, 'userId' | 'deliveredSeq' | 'readSeq'>;
type MessageStatus = 'SENT' | 'DELIVERED' | 'READ';

/**
 * As the sender sees it: DELIVERED/READ once every other current member's mark reached it. With
 * nobody else left in the chat, it stays SENT.
 */
function messageStatus(message: Pick<Message, 'seq' | 'senderId'>, members: Marks[]): MessageStatus {
  const others = members.filter((member) => member.userId !== message.senderId);
  if (others.length === 0) return 'SENT';
  if (others.every((member) => member.readSeq >= message.seq)) return 'READ';
  if (others.every((member) => member.deliveredSeq >= message.seq)) return 'DELIVERED';
  return 'SENT';
}

/**
 * Capped at the 200 newest: a mark that jumps over a long backlog announces the status of only
 * the 200 newest messages it passed. Older ones are what clients load by seq anyway.
 */
const MAX_STATUS_EVENTS = 200;

/** Key space of the advisory lock that serialises the marks of one chat (the second key: the chat). */
const MARKS_LOCK = 0x6d61726b; // "mark"

interface MarkMove {
  before: { deliveredSeq: number; readSeq: number };
  after: { deliveredSeq: number; readSeq: number };
}

/**
 * Moves the caller's mark forward, never back: GREATEST in one UPDATE, so concurrent marks from
 * several devices cannot move it back either. Reading implies delivery. Returns the marks before
 * and after, or null when the caller's row is gone (they left meanwhile).
 */
async function updateMark(
  tx: Tx,
  chatId: string,
  userId: string,
  mark: Mark,
  seq: number,
): Promise<MarkMove | null> {
  const readTo = mark === 'read' ? seq : 0;
  // The FROM sub-select locks the row and yields its values from before the UPDATE.
  const [row] = await tx.$queryRaw<
    { oldDelivered: number; oldRead: number; deliveredSeq: number; readSeq: number }[]
  >`
    UPDATE "chats"."ChatMember" cm
    SET "deliveredSeq" = GREATEST(cm."deliveredSeq", ${seq}), "readSeq" = GREATEST(cm."readSeq", ${readTo})
    FROM (
      SELECT "deliveredSeq", "readSeq" FROM "chats"."ChatMember"
      WHERE "chatId" = ${chatId}::uuid AND "userId" = ${userId}::uuid
      FOR UPDATE
    ) old
    WHERE cm."chatId" = ${chatId}::uuid AND cm."userId" = ${userId}::uuid
    RETURNING old."deliveredSeq" AS "oldDelivered", old."readSeq" AS "oldRead", cm."deliveredSeq", cm."readSeq"`;
  if (!row) return null;
  return {
    before: { deliveredSeq: row.oldDelivered, readSeq: row.oldRead },
    after: { deliveredSeq: row.deliveredSeq, readSeq: row.readSeq },
  };
}

/**
 * The messages of others whose status, as their sender sees it, this move of the caller's mark
 * changed. Only those in the seq range the mark moved over can have; of them the newest
 * MAX_STATUS_EVENTS are looked at. Oldest first.
 */
async function statusChanges(tx: Tx, chatId: string, userId: string, { before, after }: MarkMove) {
  const moved = (['deliveredSeq', 'readSeq'] as const).filter((mark) => after[mark] > before[mark]);
  const members = await tx.chatMember.findMany({
    where: { chatId },
    select: { userId: true, deliveredSeq: true, readSeq: true },
  });
  const messages = await tx.message.findMany({
    where: {
      chatId,
      senderId: { not: userId },
      seq: {
        gt: Math.min(...moved.map((mark) => before[mark])),
        lte: Math.max(...moved.map((mark) => after[mark])),
      },
    },
    orderBy: { seq: 'desc' },
    take: MAX_STATUS_EVENTS,
    select: { id: true, chatId: true, seq: true, senderId: true },
  });
  const earlier = members.map((member) => (member.userId === userId ? { ...member, ...before } : member));
  return messages
    .filter((message) => messageStatus(message, earlier) !== messageStatus(message, members))
    .reverse();
}

/**
 * Moves a mark and announces what it changed: the receipt, and every message whose status it
 * changed. Marks on one chat move one at a time (an advisory lock, so sending is not held up):
 * each then sees the others' marks as committed, and when two members' marks together make a
 * message READ, the later one sees the change.
 */
async function moveMark(ctx: ChatsContext, mark: Mark, chatId: string, seq: number): Promise<Chat> {
  const me = requireUser(ctx);
  const { chat, member } = await chatAccess(ctx, chatId);
  if (seq < 0 || seq > chat.lastSeq) throw badInput(`seq must be between 0 and ${chat.lastSeq}`, 'seq');
  // Marks never move back: one already there needs no write and changes nothing.
  if (member && member.deliveredSeq >= seq && (mark === 'delivered' || member.readSeq >= seq)) return chat;

  const moved = await transaction(ctx.db, async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${MARKS_LOCK}::int, hashtext(${chat.id}))`;
    // The chat before the member row (as membership changes take them), for the inbox's append;
    // its memberVersion, held by that lock, is the accessVersion of the live events below.
    const accessVersion = await memberVersion(tx, chat.id);
    const marks = await updateMark(tx, chat.id, me, mark, seq);
    if (!marks) return null;
    const { before, after } = marks;
    if (after.deliveredSeq === before.deliveredSeq && after.readSeq === before.readSeq) return null;
    const changed = await statusChanges(tx, chat.id, me, marks);
    const receipt: InboxItem = {
      kind: 'ReceiptChanged',
      payload: { userId: me, deliveredSeq: after.deliveredSeq, readSeq: after.readSeq },
    };
    const written = await appendInbox(tx, chat.id, null, [
      receipt,
      ...changed.map((message) => messageChanged(message.id)),
    ]);
    return { ...after, changed, written, accessVersion };
  });
  if (moved) {
    const { deliveredSeq, readSeq, changed, written, accessVersion } = moved;
    announceInbox(ctx, written);
    ctx.live.publishAfterCommit(liveChannel.chat(chat.id), {
      type: 'receiptUpdated',
      chatId: chat.id,
      userId: me,
      deliveredSeq,
      readSeq,
      accessVersion,
      data: {
        __typename: 'ReceiptUpdate',
        chat: { __typename: 'Chat', id: chat.id },
        user: { __typename: 'User', id: me },
        deliveredSeq,
        readSeq,
      },
    });
    for (const message of changed) ctx.live.publishAfterCommit(...messageUpdated(message, accessVersion));
  }
  return chat;
}

async function status(message: Message, _: unknown, ctx: ChatsContext): Promise<MessageStatus> {
  // Nobody else can have marked a message stored just now: it is SENT.
  if (freshMessages.has(message)) return 'SENT';
  return messageStatus(message, await ctx.loaders.members.load(message.chatId));
}

export const receiptResolvers = {
  Mutation: {
    markDelivered: (_, args, ctx) => moveMark(ctx, 'delivered', args.chatId, args.seq),
    markRead: (_, args, ctx) => moveMark(ctx, 'read', args.chatId, args.seq),
  },
  Chat: {
    unreadCount: (chat: Chat, _: unknown, ctx: ChatsContext) => ctx.loaders.unreadCount.load(chat.id),
  },
  Message: { status },
} satisfies Resolvers;
