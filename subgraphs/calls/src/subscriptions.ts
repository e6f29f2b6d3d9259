import { badInput, deliveryKey, forbidden, notFound, unauthenticated, asUuid } from '@switchboard/core';
import { z } from 'zod';
import type { SubscriptionResolvers } from './__generated__/resolvers-types.ts';
import type { CallsContext } from './context.ts';
import type { CallEventPayload } from './liveEvents.ts';

/**
 * The calls side of `callEvents` (docs/live-subscriptions.md). schema.graphql declares it with
 * @live on `calls:{viewer}`: each user follows only their own channel, where calls publishes the
 * other side's signalling (liveEvents.ts). Events carry their payload, so the gateway rarely asks
 * here; when a selection needs more than the event holds, it sends the subscription's primary
 * fetch with the event (less its data) in `extensions.liveEvent`, and `resolve` below turns it
 * into the payload, for its addressee only. Subscribing directly is refused.
 */

const liveCallEvent = z.object({
  type: z.literal('callEvent'),
  callId: z.string(),
  to: z.string(),
  kind: z.enum(['INCOMING', 'ANSWERED', 'ICE_CANDIDATE', 'ENDED']),
  sdp: z.string().nullable(),
  candidate: z.string().nullable(),
});

/**
 * The event's payload, for the user it was published to (the subscriber, or a follower of their
 * channel). The call is read as it is now, which may be later than the event.
 */
async function callEventPayload(ctx: CallsContext): Promise<CallEventPayload> {
  const parsed = liveCallEvent.safeParse(ctx.liveEvent);
  if (!parsed.success)
    throw badInput('extensions.liveEvent must be a callEvent event', 'extensions.liveEvent');
  const { to, callId, kind, sdp, candidate } = parsed.data;
  const viewer = ctx.identity.userId ?? deliveryKey(ctx.identity, 'calls');
  if (!viewer) throw unauthenticated();
  if (viewer !== to) throw forbidden('This event is for someone else');
  const id = asUuid(callId);
  const call = id ? await ctx.db.call.findUnique({ where: { id } }) : null;
  if (!call || (call.callerId !== to && call.calleeId !== to)) throw notFound('Call');
  return { kind, sdp, candidate, call };
}

const servedByGateway = () => {
  throw forbidden('Subscriptions are served by the gateway over WebSocket');
};

export const subscriptionResolvers: SubscriptionResolvers = {
  callEvents: {
    subscribe: servedByGateway,
    resolve: (_: unknown, _args: unknown, ctx: CallsContext) => callEventPayload(ctx),
  },
};
