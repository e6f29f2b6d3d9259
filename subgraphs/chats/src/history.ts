import { badInput } from '@switchboard/core';
import type { ChatMessagesArgs, Resolvers } from './__generated__/resolvers-types.ts';
import type { ChatsContext } from './context.ts';
import { messageCursor, pageSize, parseMessageCursor } from './cursors.ts';
import type { Chat, Prisma } from './generated/prisma/client.ts';

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

  const seq: Prisma.IntFilter = {};
  if (after !== null) seq.gt = after;
  if (before !== null) seq.lt = before;
  const rows = await ctx.db.message.findMany({
    where: { chatId: chat.id, seq },
    orderBy: { seq: backward ? 'desc' : 'asc' },
    take: size + 1,
  });
  const more = rows.length > size;
  const page = rows.slice(0, size);
  // Replies mostly quote recent messages, which this page holds: `replyTo` then reads them from
  // the request's loader instead of fetching them again.
  for (const message of page) ctx.loaders.message.prime(message.id, message);
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
