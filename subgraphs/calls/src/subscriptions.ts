import { badInput, deliveryKey, forbidden, unauthenticated } from '@switchboard/core';
import { z } from 'zod';
import type { Resolvers, SubscriptionResolvers } from './__generated__/resolvers-types.ts';
import type { CallsContext } from './context.ts';
import type { CallEventPayload } from './liveEvents.ts';
import { iceServersFor } from './turn/turnCredentials.ts';

/**
 * The calls side of `callEvents` (docs/live-subscriptions.md). schema.graphql declares it with
 * @live on `calls:{viewer}`: each user follows only their own channel, where calls publishes the
 * other side's signalling (liveEvents.ts). Events carry their payload, so the gateway rarely asks
 * here; when a selection needs more than the event holds, it sends the subscription's primary
 * fetch with the event in `extensions.liveEvent`, and `resolve` below turns it back into the
 * payload, for its addressee only. Subscribing directly is refused.
 */

const date = z.iso.datetime().transform((value) => new Date(value));
const id = z.string().uuid();
const liveCallEvent = z.object({
  type: z.literal('callEvent'),
  to: id,
  data: z.object({
    kind: z.enum(['INCOMING', 'ANSWERED', 'ICE_CANDIDATE', 'ENDED']),
    sdp: z.string().nullable(),
    candidate: z.string().nullable(),
    call: z.object({
      id,
      video: z.boolean(),
      state: z.enum(['RINGING', 'ACTIVE', 'ENDED']),
      endReason: z.enum(['HANGUP', 'DECLINED', 'CANCELLED', 'MISSED', 'BUSY', 'FAILED']).nullable(),
      startedAt: date,
      answeredAt: date.nullable(),
      endedAt: date.nullable(),
      chat: z.object({ id }),
      caller: z.object({ id }),
      callee: z.object({ id }),
    }),
  }),
});

/** The event's payload, for the user it was published to (the subscriber, or their channel's follower). */
function callEventPayload(ctx: CallsContext): CallEventPayload {
  const parsed = liveCallEvent.safeParse(ctx.liveEvent);
  if (!parsed.success)
    throw badInput('extensions.liveEvent must be a callEvent event', 'extensions.liveEvent');
  const { to, data } = parsed.data;
  const viewer = ctx.identity.userId ?? deliveryKey(ctx.identity, 'calls');
  if (!viewer) throw unauthenticated();
  if (viewer !== to || (data.call.caller.id !== to && data.call.callee.id !== to))
    throw forbidden('This event is for someone else');
  const { chat, caller, callee, ...fields } = data.call;
  const call = { ...fields, chatId: chat.id, callerId: caller.id, calleeId: callee.id };
  return { kind: data.kind, sdp: data.sdp, candidate: data.candidate, call };
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

/** STUN and TURN for a signed-in user, with a TURN credential of their own. */
export const iceServerResolvers = {
  Query: {
    iceServers: (_: unknown, _args: unknown, ctx: CallsContext) => {
      if (!ctx.identity.userId) throw unauthenticated();
      return iceServersFor(ctx.identity.userId, ctx.settings.turn);
    },
  },
} satisfies Resolvers;
