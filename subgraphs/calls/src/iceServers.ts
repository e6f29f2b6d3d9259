import { unauthenticated } from '@switchboard/core';
import type { Resolvers } from './__generated__/resolvers-types.ts';
import type { CallsContext } from './context.ts';
import { iceServersFor } from './turn/turnCredentials.ts';

/** STUN and TURN for a signed-in user, with a TURN credential of their own. */
export const iceServerResolvers = {
  Query: {
    iceServers: (_: unknown, _args: unknown, ctx: CallsContext) => {
      if (!ctx.identity.userId) throw unauthenticated();
      return iceServersFor(ctx.identity.userId, ctx.settings.turn);
    },
  },
} satisfies Resolvers;
