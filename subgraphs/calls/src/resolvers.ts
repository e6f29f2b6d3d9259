import { DateTime } from '@switchboard/core';
import { mergeResolvers } from '@switchboard/subgraph';
import type { ResolverFn, Resolvers } from './__generated__/resolvers-types.ts';
import { requireUser } from './access.ts';
import { callResolvers } from './calls.ts';
import type { CallsContext } from './context.ts';
import { historyResolvers } from './history.ts';
import { iceServerResolvers } from './iceServers.ts';
import { subscriptionResolvers } from './subscriptions.ts';

type MutationResolver = ResolverFn<unknown, unknown, CallsContext, unknown>;

/**
 * Every mutation needs a user, and publishes the live events it queued (the signalling) only once
 * it succeeded, never for a failed one.
 */
function asMutation(resolve: MutationResolver): MutationResolver {
  return async (source, args, ctx, info) => {
    requireUser(ctx);
    try {
      const result = await resolve(source, args, ctx, info);
      await ctx.live.flush();
      return result;
    } finally {
      ctx.live.discard();
    }
  };
}

const merged = mergeResolvers<Resolvers>([
  { DateTime },
  callResolvers,
  historyResolvers,
  iceServerResolvers,
  { Subscription: subscriptionResolvers },
]);

export const resolvers: Resolvers = {
  ...merged,
  Mutation: Object.fromEntries(
    Object.entries(merged.Mutation ?? {}).map(([name, resolve]) => [name, asMutation(resolve)]),
  ),
};
