import { notFound, unauthenticated, asUuid } from '@switchboard/core';
import type { CallsContext } from './context.ts';
import type { Call } from './generated/prisma/client.ts';

/** The caller's user id: everything here is a user's (a live-event delivery only resolves payloads). */
export function requireUser(ctx: CallsContext): string {
  if (!ctx.identity.userId) throw unauthenticated();
  return ctx.identity.userId;
}

/**
 * A call the caller takes part in. One that does not exist, one of other people and an id that is
 * not even a UUID all give the same NOT_FOUND: an outsider learns nothing.
 */
export async function callAccess(ctx: CallsContext, callId: string): Promise<Call> {
  const me = requireUser(ctx);
  const id = asUuid(callId);
  const call = id ? await ctx.db.call.findUnique({ where: { id } }) : null;
  if (!call || (call.callerId !== me && call.calleeId !== me)) throw notFound('Call');
  return call;
}

/** The other participant of a call. */
export const otherSide = (call: Call, userId: string) =>
  call.callerId === userId ? call.calleeId : call.callerId;
