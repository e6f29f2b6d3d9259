import { DateTime } from '@switchboard/core';
import { mergeResolvers, withLiveMutations } from '@switchboard/subgraph';
import type { Resolvers } from './__generated__/resolvers-types.ts';
import { requireUser } from './access.ts';
import { callResolvers } from './calls.ts';
import type { CallsContext } from './context.ts';
import { historyResolvers } from './history.ts';
import { iceServerResolvers } from './iceServers.ts';
import { subscriptionResolvers } from './subscriptions.ts';

const merged = mergeResolvers<Resolvers>([
  { DateTime },
  callResolvers,
  historyResolvers,
  iceServerResolvers,
  { Subscription: subscriptionResolvers },
]);

/**
 * Every mutation needs a user, and publishes the live events it queued (the signalling) only once
 * it succeeded, never for a failed one.
 */
export const resolvers: Resolvers = {
  ...merged,
  Mutation: withLiveMutations<CallsContext, Resolvers['Mutation']>(merged.Mutation, { before: requireUser }),
};
