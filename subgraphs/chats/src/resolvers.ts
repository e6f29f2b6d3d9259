import { DateTime } from '@switchboard/core';
import { mergeResolvers } from '@switchboard/subgraph';
import type { ResolverFn, Resolvers } from './__generated__/resolvers-types.ts';
import { requireUser } from './access.ts';
import { chatResolvers } from './chats.ts';
import type { ChatsContext } from './context.ts';
import { historyResolvers } from './history.ts';
import { membershipResolvers } from './membership.ts';
import { messageResolvers } from './messages.ts';
import { reactionResolvers } from './reactions.ts';
import { receiptResolvers } from './receipts.ts';
import { gatewayQueryResolvers, subscriptionResolvers } from './subscriptions.ts';

type MutationResolver = ResolverFn<unknown, unknown, ChatsContext, unknown>;

/**
 * Every mutation:
 * - needs a user: a live-event delivery only reads;
 * - reads its result right after its write: nothing the request loaded before (its own access
 *   check included) may answer for it;
 * - publishes the live events it queued only once it succeeded, never for a failed one.
 */
function asMutation(resolve: MutationResolver): MutationResolver {
  return async (source, args, ctx, info) => {
    requireUser(ctx);
    ctx.loaders.clear();
    try {
      const result = await resolve(source, args, ctx, info);
      await ctx.live.flush();
      return result;
    } finally {
      ctx.live.discard();
      ctx.loaders.clear();
    }
  };
}

const merged = mergeResolvers<Resolvers>([
  { DateTime },
  chatResolvers,
  membershipResolvers,
  messageResolvers,
  historyResolvers,
  reactionResolvers,
  receiptResolvers,
  gatewayQueryResolvers,
  { Subscription: subscriptionResolvers },
]);

export const resolvers: Resolvers = {
  ...merged,
  Mutation: Object.fromEntries(
    Object.entries(merged.Mutation ?? {}).map(([name, resolve]) => [name, asMutation(resolve)]),
  ),
};
