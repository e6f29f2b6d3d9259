import { DateTime } from '@switchboard/core';
import { mergeResolvers, withLiveMutations } from '@switchboard/subgraph';
import type { Resolvers } from './__generated__/resolvers-types.ts';
import { requireUser } from './access.ts';
import { chatResolvers } from './chats.ts';
import type { ChatsContext } from './context.ts';
import { historyResolvers } from './history.ts';
import { inboxResolvers } from './inboxResolvers.ts';
import { membershipResolvers } from './membership.ts';
import { messageResolvers } from './messages.ts';
import { reactionResolvers } from './reactions.ts';
import { receiptResolvers } from './receipts.ts';
import { gatewayQueryResolvers, subscriptionResolvers } from './subscriptions.ts';

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
  inboxResolvers,
]);

/**
 * Every mutation:
 * - needs a user: a live-event delivery only reads;
 * - reads its result right after its write: nothing the request loaded before (its own access
 *   check included) may answer for it;
 * - publishes the live events it queued only once it succeeded, never for a failed one.
 */
export const resolvers: Resolvers = {
  ...merged,
  Mutation: withLiveMutations<ChatsContext, Resolvers['Mutation']>(merged.Mutation, {
    before(ctx) {
      requireUser(ctx);
      ctx.loaders.clear();
    },
    after: (ctx) => ctx.loaders.clear(),
  }),
};
