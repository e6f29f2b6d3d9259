import { randomUUID } from 'node:crypto';
import { badInput, forbidden, notFound, recordEvent, asUuid } from '@switchboard/core';
import type {
  MutationAnswerCallArgs,
  MutationEndCallArgs,
  MutationSendIceCandidateArgs,
  MutationStartCallArgs,
  Resolvers,
} from './__generated__/resolvers-types.ts';
import { callAccess, otherSide, requireUser } from './access.ts';
import { blockedBetween } from './blocks.ts';
import { finishCall, takeLines } from './callRecords.ts';
import type { CallsContext } from './context.ts';
import type { Call, CallEndReason } from './generated/prisma/client.ts';
import { callEvent, type CallEventPayload } from './liveEvents.ts';
import { candidateInput, sdpInput } from './signalling.ts';

/**
 * Calls the other member of a direct chat. The offer goes to the callee as INCOMING, on their
 * own channel, and is kept only while the call rings, for a callee who subscribes later (their
 * app woken by the push: `_ringingCalls`). The call rings until answered, ended, or `ringsUntil`
 * (CallStarted's timeout job then ends it as MISSED); a callee already on a call makes it end at
 * once as BUSY, and nobody else hears of it.
 */
async function startCall(_: unknown, { input }: MutationStartCallArgs, ctx: CallsContext): Promise<Call> {
  const me = requireUser(ctx);
  const sdpOffer = sdpInput(input.sdpOffer, 'sdpOffer');
  const chatId = asUuid(input.chatId);
  // calls' projection of chats' direct chats: a group, another pair's chat or no chat look alike.
  const chat = chatId ? await ctx.db.directChat.findUnique({ where: { chatId } }) : null;
  if (!chat || (chat.userA !== me && chat.userB !== me)) throw notFound('Chat');
  const callee = chat.userA === me ? chat.userB : chat.userA;
  if (await blockedBetween(ctx.db, me, callee)) throw forbidden('You cannot call this user');

  const startedAt = new Date();
  const ringsUntil = new Date(startedAt.getTime() + ctx.settings.ringTimeoutSeconds * 1000);
  const call = await ctx.db.$transaction(async (tx) => {
    const id = randomUUID();
    const free = await takeLines(tx, id, [me, callee]);
    // Rolls back the callee's line too, if it was taken: nothing of this call is left.
    if (!free.has(me)) throw badInput('You are on a call already: end it first', 'chatId');
    const base = { id, chatId: chat.chatId, callerId: me, calleeId: callee, video: input.video, startedAt };
    if (!free.has(callee)) {
      await tx.callLine.deleteMany({ where: { callId: id } });
      return tx.call.create({
        data: { ...base, state: 'ENDED', endReason: 'BUSY', ringsUntil: startedAt, endedAt: startedAt },
      });
    }
    const ringing = await tx.call.create({ data: { ...base, state: 'RINGING', ringsUntil, sdpOffer } });
    await recordEvent(tx, 'CallStarted', {
      callId: id,
      chatId: chat.chatId,
      callerId: me,
      calleeId: callee,
      video: input.video,
      ringsUntil: ringsUntil.toISOString(),
    });
    return ringing;
  });
  if (call.state === 'RINGING')
    ctx.live.publishAfterCommit(...callEvent(call, callee, 'INCOMING', { sdp: sdpOffer }));
  return call;
}

/** The callee takes a RINGING call; the caller gets the answer as ANSWERED. */
async function answerCall(_: unknown, args: MutationAnswerCallArgs, ctx: CallsContext): Promise<Call> {
  const me = requireUser(ctx);
  const sdpAnswer = sdpInput(args.sdpAnswer, 'sdpAnswer');
  const call = await callAccess(ctx, args.callId);
  if (call.calleeId !== me) throw forbidden('Only the callee answers a call');
  const answered = await ctx.db.$transaction(async (tx) => {
    const { count } = await tx.call.updateMany({
      where: { id: call.id, state: 'RINGING' },
      data: { state: 'ACTIVE', answeredAt: new Date(), sdpOffer: null },
    });
    return count === 1 ? tx.call.findUniqueOrThrow({ where: { id: call.id } }) : null;
  });
  // Cancelled, missed or answered meanwhile (by another of the callee's devices).
  if (!answered) throw badInput('The call is not ringing any more', 'callId');
  ctx.live.publishAfterCommit(...callEvent(answered, answered.callerId, 'ANSWERED', { sdp: sdpAnswer }));
  return answered;
}

/** Relays one candidate to the other side; nothing is stored. */
async function sendIceCandidate(
  _: unknown,
  args: MutationSendIceCandidateArgs,
  ctx: CallsContext,
): Promise<boolean> {
  const me = requireUser(ctx);
  const candidate = candidateInput(args.candidate);
  const call = await callAccess(ctx, args.callId);
  if (call.state === 'ENDED') throw badInput('The call has ended', 'callId');
  ctx.live.publishAfterCommit(...callEvent(call, otherSide(call, me), 'ICE_CANDIDATE', { candidate }));
  return true;
}

/** How `me` ending a call in `state` is recorded. */
function endReasonOf(call: Call, me: string): CallEndReason {
  if (call.state === 'ACTIVE') return 'HANGUP';
  return call.calleeId === me ? 'DECLINED' : 'CANCELLED';
}

/**
 * Hangs up, declines or cancels, by what the call is when the end lands: a cancel that crosses
 * an answer becomes a hang-up. The other side gets ENDED. Ending an ended call changes nothing.
 */
async function endCall(_: unknown, args: MutationEndCallArgs, ctx: CallsContext): Promise<Call> {
  const me = requireUser(ctx);
  let call = await callAccess(ctx, args.callId);
  for (;;) {
    if (call.state === 'ENDED') return call;
    const ended = await finishCall(ctx.db, call.id, endReasonOf(call, me), [call.state]);
    if (ended) {
      ctx.live.publishAfterCommit(...callEvent(ended, otherSide(ended, me), 'ENDED'));
      return ended;
    }
    call = await ctx.db.call.findUniqueOrThrow({ where: { id: call.id } });
  }
}

/**
 * INCOMING for each call ringing for the caller now, with its offer: what `callEvents` owes a
 * callee when they subscribe (`@live(initial:)`), e.g. a callee whose app the push woke.
 */
async function ringingCalls(_: unknown, _args: unknown, ctx: CallsContext): Promise<CallEventPayload[]> {
  const me = requireUser(ctx);
  const ringing = await ctx.db.call.findMany({
    where: { calleeId: me, state: 'RINGING', ringsUntil: { gt: new Date() }, sdpOffer: { not: null } },
    orderBy: { startedAt: 'asc' },
  });
  return ringing.map(({ sdpOffer, ...call }) => ({ kind: 'INCOMING', sdp: sdpOffer, candidate: null, call }));
}

export const callResolvers = {
  Query: { _ringingCalls: ringingCalls },
  Mutation: { startCall, answerCall, sendIceCandidate, endCall },
} satisfies Resolvers;
