import { badInput } from '@switchboard/core';
import type { ChatMessagesArgs, Resolvers } from './__generated__/resolvers-types.ts';
import type { ChatsContext } from './context.ts';
import { messageCursor, pageSize, parseMessageCursor } from './cursors.ts';
import { Prisma, type Chat, type Message } from './generated/prisma/client.ts';

/** A page's message with its reactions, oldest first, as one row (`reactions` as JSON). */
type PageRow = Message & { reactions: { userId: string; emoji: string; createdAt: string }[] };

/**
 * A Relay connection over `seq`. first/after pages forward (catch-up), last/before pages back
 * (history); edges are oldest first either way. `after`/`before` bound the range exclusively.
 */
async function messages(chat: Chat, args: ChatMessagesArgs, ctx: ChatsContext) {
  if (args.first != null && args.last != null) throw badInput('Give first or last, not both', 'last');
  const after = args.after == null ? null : parseMessageCursor(args.after, 'after');
  const before = args.before == null ? null : parseMessageCursor(args.before, 'before');
  const backward = args.last != null || (args.first == null && before !== null);
  const size = backward ? pageSize(args.last, 'last') : pageSize(args.first, 'first');

  // The page and its messages' reactions in one statement (a history page is the read clients
  // make most); the reactions and the page's messages are handed to the request's loaders, so
  // `reactions` and a `replyTo` quoting a message of the page need no query of their own.
  const rows = await ctx.db.$queryRaw<PageRow[]>`
    SELECT m."id", m."chatId", m."seq", m."senderId", m."clientId", m."body", m."encrypted",
           m."replyToId", m."attachmentIds", m."createdAt", m."editedAt", m."deletedAt",
           (SELECT coalesce(json_agg(json_build_object('userId', r."userId", 'emoji', r."emoji",
                                                       'createdAt', r."createdAt") ORDER BY r."createdAt"), '[]'::json)
            FROM "chats"."Reaction" r WHERE r."messageId" = m."id") AS "reactions"
    FROM "chats"."Message" m
    WHERE m."chatId" = ${chat.id}::uuid
      ${after !== null ? Prisma.sql`AND m."seq" > ${after}` : Prisma.empty}
      ${before !== null ? Prisma.sql`AND m."seq" < ${before}` : Prisma.empty}
    ORDER BY m."seq" ${backward ? Prisma.sql`DESC` : Prisma.sql`ASC`}
    LIMIT ${size + 1}`;
  const more = rows.length > size;
  const page = rows.slice(0, size).map(({ reactions, ...message }) => {
    ctx.loaders.message.prime(message.id, message);
    ctx.loaders.reactions.prime(
      message.id,
      reactions.map((reaction) => ({
        ...reaction,
        messageId: message.id,
        createdAt: new Date(reaction.createdAt),
      })),
    );
    return message;
  });
  if (backward) page.reverse();

  // Seqs run 1..lastSeq with no gap and a deleted message keeps its row, so whether anything lies
  // outside the range follows from lastSeq without another query.
  const lastSeq = Math.max(chat.lastSeq, page.at(-1)?.seq ?? 0);
  const anyUpToAfter = after !== null && Math.min(after, lastSeq) >= 1;
  const anyFromBefore = before !== null && before <= lastSeq;
  const edges = page.map((message) => ({ cursor: messageCursor(message.seq), node: message }));
  return {
    edges,
    pageInfo: {
      hasNextPage: backward ? anyFromBefore : more || anyFromBefore,
      hasPreviousPage: backward ? more || anyUpToAfter : anyUpToAfter,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

export const historyResolvers = {
  Chat: { messages },
} satisfies Resolvers;
