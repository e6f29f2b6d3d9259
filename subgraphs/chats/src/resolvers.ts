import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import { requireUser } from './access.ts';
import { chatResolvers } from './chats.ts';
import type { ChatsContext } from './context.ts';
import type { FieldResolver, ResolverModule } from './resolverModule.ts';
import { historyResolvers } from './history.ts';
import { membershipResolvers } from './membership.ts';
import { messageResolvers } from './messages.ts';
import { reactionResolvers } from './reactions.ts';
import { receiptResolvers } from './receipts.ts';
import { DateTime } from '@switchboard/core';
import { mergeResolvers } from '@switchboard/subgraph';
import { gatewayQueryResolvers, subscriptionResolvers } from './subscriptions.ts';

/**
 * Every mutation:
 * - needs a user: a live-event delivery only reads;
 * - reads its result right after its write: nothing the request loaded before (its own access
 *   check included) may answer for it;
 * - publishes the live events it queued only once it succeeded, never for a failed one.
 */
function asMutation(resolve: FieldResolver): FieldResolver {
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

const merged: ResolverModule = mergeResolvers<ResolverModule>([
  chatResolvers,
  membershipResolvers,
  messageResolvers,
  historyResolvers,
  reactionResolvers,
  receiptResolvers,
  gatewayQueryResolvers,
]);

export const resolvers: GraphQLResolverMap<ChatsContext> = {
  DateTime,
  ...merged,
  Mutation: Object.fromEntries(
    Object.entries(merged['Mutation'] ?? {}).map(([name, resolve]) => [name, asMutation(resolve)]),
  ),
  Subscription: subscriptionResolvers,
};
