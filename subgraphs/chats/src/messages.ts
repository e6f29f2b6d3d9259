import { badInput, forbidden, notFound, asUuid, uuidInput } from '@switchboard/core';
import type {
  MutationDeleteMessageArgs,
  MutationEditMessageArgs,
  MutationSendMessageArgs,
  Resolvers,
} from './__generated__/resolvers-types.ts';
import { chatAccess, messageAccess, requireSender, requireUser } from './access.ts';
import type { ChatsContext } from './context.ts';
import { isUniqueViolation, memberVersion, transaction } from './db.ts';
import type { Message } from './generated/prisma/client.ts';
import { freshMessages } from './freshMessages.ts';
import {
  announceInbox,
  appendInbox,
  inboxMessages,
  messageChanged,
  shareByItem,
  type WrittenEntry,
} from './inbox.ts';
import { messageAdded, messageUpdated, newMessage } from './liveEvents.ts';

const MAX_BODY_BYTES = 64 * 1024;
const MAX_CLIENT_ID = 64;
const MAX_ATTACHMENTS = 10;
/** An id no message has (nil UUID). */
const NO_SUCH_MESSAGE = '00000000-0000-0000-0000-000000000000';

/** At most 64 KiB of UTF-8; an empty body counts as none, and a message needs a body or media. */
function messageBody(body: string | null | undefined, hasAttachments: boolean): string | null {
  const text = body || null;
  if (text !== null && Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES)
    throw badInput('body must be at most 64 KiB', 'body');
  if (text === null && !hasAttachments) throw badInput('A message needs a body or an attachment', 'body');
  return text;
}

/** What chats.send_message answers (prisma/chats/migrations/*_send_message). */
interface SendOutcome {
  outcome:
    'sent' | 'existing' | 'not_found' | 'client_id_elsewhere' | 'blocked' | 'bad_reply' | 'bad_attachments';
  message: MessageRow | null;
  reply_to: MessageRow | null;
  /** The inbox entries it appended (one per member device). */
  inbox: WrittenEntry[] | null;
  /** The chat's memberVersion, read with the seq under the row lock: the message's accessVersion. */
  member_version: number | null;
}

/** A Message row as Postgres' to_jsonb writes it (dates as ISO strings). */
type MessageRow = Omit<Message, 'createdAt' | 'editedAt' | 'deletedAt' | 'attachmentIds'> & {
  createdAt: string;
  editedAt: string | null;
  deletedAt: string | null;
  attachmentIds: string[] | null;
};

const messageOf = (row: MessageRow): Message => ({
  ...row,
  attachmentIds: row.attachmentIds ?? [],
  createdAt: new Date(row.createdAt),
  editedAt: row.editedAt === null ? null : new Date(row.editedAt),
  deletedAt: row.deletedAt === null ? null : new Date(row.deletedAt),
});

/** chats.send_message found the sender gone once it held the lock (it raised no_data_found). */
function isNoDataFound(error: unknown): boolean {
  return /not a member of chat/.test(error instanceof Error ? error.message : '');
}

/**
 * Stores a message, numbered under the chat's row lock (architecture.md, principle 3), with its
 * MessageSent event in the same transaction (principle 2), in one round trip to Postgres:
 * chats.send_message does every check, the numbering and both inserts. Idempotent per
 * (sender, clientId). Errors keep their order: input, then membership (NOT_FOUND), then a retry's
 * stored message, then a block (FORBIDDEN), the reply target and the attachments.
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
  const chatId = asUuid(input.chatId);
  if (!chatId) throw notFound('Chat');
  // A replyToId that is not even an id is refused like one of another chat, in the same order.
  const replyToId = input.replyToId == null ? null : (asUuid(input.replyToId) ?? NO_SUCH_MESSAGE);

  let result: SendOutcome;
  try {
    [result] = (await ctx.db.$queryRaw<SendOutcome[]>`
      SELECT * FROM "chats"."send_message"(${chatId}::uuid, ${me}::uuid, ${clientId}, ${body},
        ${encrypted}, ${replyToId}::uuid, ${attachmentIds}::uuid[])`) as [SendOutcome];
  } catch (error) {
    if (isNoDataFound(error)) throw notFound('Chat');
    if (!isUniqueViolation(error)) throw error;
    // A concurrent retry stored it first; this call rolled back whole: no seq was used.
    const winner = await ctx.db.message.findUnique({
      where: { senderId_clientId: { senderId: me, clientId } },
    });
    if (!winner || winner.chatId !== chatId) throw error;
    return winner;
  }
  switch (result.outcome) {
    case 'not_found':
      throw notFound('Chat');
    case 'client_id_elsewhere':
      throw badInput('clientId was already used for a message in another chat', 'clientId');
    case 'existing':
      return messageOf(result.message!);
    case 'blocked':
      throw forbidden('You cannot message this user');
    case 'bad_reply':
      throw badInput('replyToId must be a message of this chat', 'replyToId');
    case 'bad_attachments':
      throw badInput('attachmentIds must be media you uploaded', 'attachmentIds');
  }
  const message = messageOf(result.message!);
  const replyTo = result.reply_to ? messageOf(result.reply_to) : null;
  freshMessages.set(message, { replyTo });
  // Only a message stored now is news; a retry that found the stored one is not.
  ctx.live.publishAfterCommit(...messageAdded(message, replyTo, result.member_version ?? 0));
  // send_message appended the one MessageAdded item to every member device: one share for all,
  // carrying the message as committed, so delivering it need not ask chats again.
  announceInbox(ctx, shareByItem(result.inbox ?? []), {
    __typename: 'MessageAdded',
    message: newMessage(message, replyTo),
  });
  return message;
}

async function editMessage(_: unknown, args: MutationEditMessageArgs, ctx: ChatsContext): Promise<Message> {
  const { message } = await messageAccess(ctx, args.id);
  requireSender(ctx, message);
  if (message.deletedAt) throw badInput('A deleted message cannot be edited', 'id');
  const body = messageBody(args.body, message.attachmentIds.length > 0);
  // `deletedAt: null` in the write itself: a delete that won the race stays deleted.
  const written = await transaction(ctx.db, async (tx) => {
    const { count } = await tx.message.updateMany({
      where: { id: message.id, deletedAt: null },
      data: { body, editedAt: new Date() },
    });
    if (count === 0) throw badInput('A deleted message cannot be edited', 'id');
    const entries = await appendInbox(tx, message.chatId, null, [messageChanged(message.id)]);
    return { entries, version: await memberVersion(tx, message.chatId) };
  });
  ctx.live.publishAfterCommit(...messageUpdated(message, written.version));
  announceInbox(ctx, written.entries);
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
    return {
      deleted:
        count > 0
          ? {
              entries: await appendInbox(tx, message.chatId, null, [messageChanged(message.id)]),
              version: await memberVersion(tx, message.chatId),
            }
          : null,
      stored: await tx.message.findUniqueOrThrow({ where: { id: message.id } }),
    };
  });
  // A concurrent delete that won the race announced it already.
  if (deleted) {
    ctx.live.publishAfterCommit(...messageUpdated(message, deleted.version));
    announceInbox(ctx, deleted.entries);
  }
  return stored;
}

export const messageResolvers = {
  Mutation: { sendMessage, editMessage, deleteMessage },
  Message: {
    __resolveReference: async (ref: { id: string }, ctx: ChatsContext) =>
      (await messageAccess(ctx, ref.id)).message,
    // An inbox entry's message was owed to the device when written, even if its user left since.
    chat: async (message: Message, _: unknown, ctx: ChatsContext) =>
      (inboxMessages.has(message) ? await ctx.loaders.chat.load(message.chatId) : null) ??
      (await chatAccess(ctx, message.chatId)).chat,
    sender: (message: Message) => ({ __typename: 'User', id: message.senderId }),
    replyTo: (message: Message, _: unknown, ctx: ChatsContext) =>
      freshMessages.get(message)?.replyTo ??
      (message.replyToId ? ctx.loaders.message.load(message.replyToId) : null),
    attachments: (message: Message) => message.attachmentIds.map((id) => ({ __typename: 'Media', id })),
  },
} satisfies Resolvers;
