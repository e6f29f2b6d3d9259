import { badInput, notFound, recordEvent } from '@switchboard/core';
import type {
  MutationBlockUserArgs,
  MutationUnblockUserArgs,
  Resolvers,
} from './__generated__/resolvers-types.ts';
import type { UsersContext } from './context.ts';
import type { Prisma } from './generated/prisma/client.ts';
import { isUuid } from './input.ts';
import { requireUser } from './requireUser.ts';

/** Validates the pair; the target must exist (looked up inside the caller's transaction). */
async function blockPair(tx: Prisma.TransactionClient, blockerId: string, userId: string) {
  if (!isUuid(userId)) throw notFound('User');
  const blockedId = userId.toLowerCase();
  if (blockedId === blockerId) throw badInput('You cannot block yourself', 'userId');
  const target = await tx.user.findUnique({ where: { id: blockedId }, select: { id: true } });
  if (!target) throw notFound('User');
  return { blockerId, blockedId };
}

/**
 * Idempotent: blocking twice is fine. The event is written in the transaction of the change
 * and only when something changed, so chats' projection sees each change exactly once.
 */
async function blockUser(_: unknown, { userId }: MutationBlockUserArgs, context: UsersContext) {
  const blockerId = requireUser(context);
  await context.db.$transaction(async (tx) => {
    const pair = await blockPair(tx, blockerId, userId);
    // ON CONFLICT DO NOTHING: two concurrent blocks insert (and announce) once.
    const { count } = await tx.block.createMany({ data: [pair], skipDuplicates: true });
    if (count > 0) await recordEvent(tx, 'UserBlocked', pair);
  });
  return true;
}

async function unblockUser(_: unknown, { userId }: MutationUnblockUserArgs, context: UsersContext) {
  const blockerId = requireUser(context);
  await context.db.$transaction(async (tx) => {
    const pair = await blockPair(tx, blockerId, userId);
    const { count } = await tx.block.deleteMany({ where: pair });
    if (count > 0) await recordEvent(tx, 'UserUnblocked', pair);
  });
  return true;
}

export const blockResolvers: Resolvers = {
  Mutation: { blockUser, unblockUser },
};
