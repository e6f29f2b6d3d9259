import { badInput } from '@switchboard/core';
import type { MutationReactArgs, Resolvers } from './__generated__/resolvers-types.ts';
import { messageAccess, requireUser } from './access.ts';
import type { ChatsContext } from './context.ts';
import { memberVersion, transaction, type Tx } from './db.ts';
import { announceInbox, appendInbox, messageChanged } from './inbox.ts';
import type { Message } from './generated/prisma/client.ts';
import { freshMessages } from './freshMessages.ts';
import { messageUpdated } from './liveEvents.ts';

const MAX_EMOJI = 16;

/** The message's inbox entries, and the chat's memberVersion for its live event, in one transaction. */
const announced = async (tx: Tx, message: Message) => ({
  entries: await appendInbox(tx, message.chatId, null, [messageChanged(message.id)]),
  version: await memberVersion(tx, message.chatId),
});

/** One reaction per user per message; an empty emoji removes the caller's. */
async function react(_: unknown, args: MutationReactArgs, ctx: ChatsContext): Promise<Message> {
  const me = requireUser(ctx);
  const { message } = await messageAccess(ctx, args.messageId);
  const where = { messageId_userId: { messageId: message.id, userId: me } };
  if (args.emoji === '') {
    const written = await transaction(ctx.db, async (tx) => {
      const { count } = await tx.reaction.deleteMany({ where: where.messageId_userId });
      return count > 0 ? announced(tx, message) : null;
    });
    if (written) {
      ctx.live.publishAfterCommit(...messageUpdated(message, written.version));
      announceInbox(ctx, written.entries);
    }
    return message;
  }
  const emoji = args.emoji;
  if ([...emoji].length > MAX_EMOJI || /\s/u.test(emoji))
    throw badInput(`emoji must be 1-${MAX_EMOJI} characters without spaces`, 'emoji');
  if (message.deletedAt) throw badInput('A deleted message cannot be reacted to', 'messageId');
  const written = await transaction(ctx.db, async (tx) => {
    await tx.reaction.upsert({
      where,
      create: { messageId: message.id, userId: me, emoji },
      update: { emoji, createdAt: new Date() },
    });
    return announced(tx, message);
  });
  ctx.live.publishAfterCommit(...messageUpdated(message, written.version));
  announceInbox(ctx, written.entries);
  return message;
}

/** Reactions grouped by emoji, in the order each emoji was first used. */
async function reactions(message: Message, _: unknown, ctx: ChatsContext) {
  if (freshMessages.has(message)) return []; // stored just now: nobody reacted yet
  const grouped = new Map<string, { emoji: string; count: number; reactedByMe: boolean }>();
  for (const reaction of await ctx.loaders.reactions.load(message.id)) {
    const entry = grouped.get(reaction.emoji) ?? { emoji: reaction.emoji, count: 0, reactedByMe: false };
    entry.count += 1;
    entry.reactedByMe ||= reaction.userId === ctx.identity.userId;
    grouped.set(reaction.emoji, entry);
  }
  return [...grouped.values()];
}

export const reactionResolvers = {
  Mutation: { react },
  Message: { reactions },
} satisfies Resolvers;
