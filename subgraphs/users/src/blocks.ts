import { badInput, notFound, recordEvent, isUuid } from '@switchboard/core';
import { defaultLogger } from '@switchboard/observability';
import { rpcFailure } from '@switchboard/rpc';
import type {
  MutationBlockUserArgs,
  MutationUnblockUserArgs,
  Resolvers,
} from './__generated__/resolvers-types.ts';
import type { UsersContext } from './context.ts';
import type { Prisma } from './generated/prisma/client.ts';
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

type Pair = { blockerId: string; blockedId: string };

/** Tells chats of a change before the mutation answers (architecture.md, principle 9). */
function tellChats(context: UsersContext, pair: Pair, blocked: boolean, version: bigint) {
  return context.chats.applyBlock({ ...pair, blocked, version });
}

/**
 * Idempotent: blocking twice is fine. The event is written in the transaction of the change and
 * only when something changed, so chats' projection sees each change exactly once; chats is also
 * told over gRPC before this answers, with the event's sequence as the version, so the blocked
 * user's sends are refused from the moment the client hears "done". When chats cannot be told,
 * the block stays saved (its event will reach chats) but the answer is SERVICE_UNAVAILABLE: a
 * success must mean "in force", and the client's retry tells chats again with the stored version.
 */
async function blockUser(_: unknown, { userId }: MutationBlockUserArgs, context: UsersContext) {
  const blockerId = requireUser(context);
  const change = await context.db.$transaction(async (tx) => {
    const pair = await blockPair(tx, blockerId, userId);
    // ON CONFLICT DO NOTHING: two concurrent blocks insert (and announce) once.
    const { count } = await tx.block.createMany({ data: [pair], skipDuplicates: true });
    if (count > 0) {
      const version = await recordEvent(tx, 'UserBlocked', pair);
      await tx.block.update({ where: { blockerId_blockedId: pair }, data: { version } });
      return { pair, version };
    }
    // Already blocked, perhaps by an attempt that could not reach chats: tell it again.
    const block = await tx.block.findUnique({
      where: { blockerId_blockedId: pair },
      select: { version: true },
    });
    return block && { pair, version: block.version };
  });
  if (change) {
    try {
      await tellChats(context, change.pair, true, change.version);
    } catch (error) {
      throw rpcFailure('chats', error);
    }
  }
  return true;
}

/**
 * Tells chats too, but answers true even when chats cannot be told: until the event reaches it,
 * chats keeps refusing the formerly blocked user, which errs on the safe side, and a retry could
 * not do better (the unblock left no row to hold its version).
 */
async function unblockUser(_: unknown, { userId }: MutationUnblockUserArgs, context: UsersContext) {
  const blockerId = requireUser(context);
  const change = await context.db.$transaction(async (tx) => {
    const pair = await blockPair(tx, blockerId, userId);
    const { count } = await tx.block.deleteMany({ where: pair });
    return count > 0 ? { pair, version: await recordEvent(tx, 'UserUnblocked', pair) } : null;
  });
  if (change)
    await tellChats(context, change.pair, false, change.version).catch((error: unknown) =>
      defaultLogger().warn(
        { err: error, service: 'users' },
        'chats was not told of an unblock; its UserUnblocked event will tell it',
      ),
    );
  return true;
}

export const blockResolvers: Resolvers = {
  Mutation: { blockUser, unblockUser },
};
