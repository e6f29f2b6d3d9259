import { badInput, asUuid, deliveryKey, notFound } from '@switchboard/core';
import { forwardPage } from '@switchboard/subgraph';
import type { QueryCallsArgs, Resolvers } from './__generated__/resolvers-types.ts';
import { callAccess, requireUser } from './access.ts';
import type { CallsContext } from './context.ts';
import type { Call, Prisma } from './generated/prisma/client.ts';
import { durationSeconds, type CallRecord } from './liveEvents.ts';

/** An id no call has (nil UUID). */
const NO_CALL = '00000000-0000-0000-0000-000000000000';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** Opaque Relay cursors over (startedAt, id): clients must not build them. */
const callCursor = (call: Call) =>
  Buffer.from(`k:${call.startedAt.getTime()}:${call.id}`, 'utf8').toString('base64url');

function parseCallCursor(cursor: string): { startedAt: Date; id: string } {
  const match = /^k:(\d{1,15}):(.+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  const id = match ? asUuid(match[2]!) : null;
  if (!match || !id) throw badInput('Invalid cursor', 'after');
  return { startedAt: new Date(Number(match[1])), id };
}

/** The caller's calls, made and received, newest first (ties by id, so the order is total). */
async function calls(_: unknown, args: QueryCallsArgs, ctx: CallsContext) {
  const me = requireUser(ctx);
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (first < 1 || first > MAX_PAGE_SIZE)
    throw badInput(`first must be between 1 and ${MAX_PAGE_SIZE}`, 'first');
  const after = args.after == null ? null : parseCallCursor(args.after);
  const where: Prisma.CallWhereInput = { OR: [{ callerId: me }, { calleeId: me }] };
  if (after)
    where.AND = {
      OR: [{ startedAt: { lt: after.startedAt } }, { startedAt: after.startedAt, id: { lt: after.id } }],
    };
  const rows = await ctx.db.call.findMany({
    where,
    orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
    take: first + 1,
  });
  return forwardPage(rows, first, callCursor, after !== null);
}

export const historyResolvers = {
  Query: { calls },
  Call: {
    // A participant; or the gateway resolving an inbox entry, which chats wrote for a participant's device.
    __resolveReference: async (ref: { id: string }, ctx: CallsContext) =>
      deliveryKey(ctx.identity, 'inbox') !== null
        ? ((await ctx.db.call.findUnique({ where: { id: asUuid(ref.id) ?? NO_CALL } })) ??
          Promise.reject(notFound('Call')))
        : callAccess(ctx, ref.id),
    durationSeconds: (call: CallRecord) => durationSeconds(call),
    chat: (call: CallRecord) => ({ __typename: 'Chat' as const, id: call.chatId }),
    caller: (call: CallRecord) => ({ __typename: 'User' as const, id: call.callerId }),
    callee: (call: CallRecord) => ({ __typename: 'User' as const, id: call.calleeId }),
  },
} satisfies Resolvers;
