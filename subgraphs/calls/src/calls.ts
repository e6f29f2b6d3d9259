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
import { endedDeliveries, type SignalDelivery } from './inbox.ts';
import { callEvent, type CallEventPayload } from './liveEvents.ts';
import { candidateInput, sdpInput } from './signalling.ts';

/**
 * Calls the other member of a direct chat. The offer goes to the callee as INCOMING, on their
 * own channel, and to the inbox of every device of theirs (inbox.ts: appended before the call is
 * committed; chats unreachable, nothing of the call is kept); in calls it is kept only while the
 * call rings, for a callee who subscribes later (their app woken by the push: `_ringingCalls`).
 * The call rings until answered, ended, or `ringsUntil` (CallStarted's timeout job then ends it
 * as MISSED); a callee already on a call makes it end at once as BUSY, and nobody else hears of it.
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
    // Every device of the callee rings; the caller's other devices hear of it when it ends.
    await ctx.inbox.append(ringing, [{ userId: callee, kind: 'INCOMING', sdp: sdpOffer }]);
    return ringing;
  });
  if (call.state === 'RINGING')
    ctx.live.publishAfterCommit(...callEvent(call, callee, 'INCOMING', { sdp: sdpOffer }));
  return call;
}

/**
 * The callee takes a RINGING call, from one of their devices: that device wins (`answeredByDevice`,
 * where the caller's candidates go from now on). The caller gets the answer as ANSWERED on every
 * device, the callee's other devices ANSWERED_ELSEWHERE (they stop ringing), and the offer leaves
 * the stored INCOMING entries; all of it before the answer commits.
 */
async function answerCall(_: unknown, args: MutationAnswerCallArgs, ctx: CallsContext): Promise<Call> {
  const me = requireUser(ctx);
  const sdpAnswer = sdpInput(args.sdpAnswer, 'sdpAnswer');
  const call = await callAccess(ctx, args.callId);
  if (call.calleeId !== me) throw forbidden('Only the callee answers a call');
  const device = ctx.identity.deviceId ?? null;
  const answered = await ctx.db.$transaction(async (tx) => {
    const { count } = await tx.call.updateMany({
      where: { id: call.id, state: 'RINGING' },
      data: { state: 'ACTIVE', answeredAt: new Date(), sdpOffer: null, answeredByDevice: device },
    });
    if (count !== 1) return null;
    const active = await tx.call.findUniqueOrThrow({ where: { id: call.id } });
    await recordEvent(tx, 'CallAnswered', {
      callId: active.id,
      callerId: active.callerId,
      calleeId: active.calleeId,
      unattendedSeconds: ctx.settings.unattendedTimeoutSeconds,
    });
    const deliveries: SignalDelivery[] = [{ userId: active.callerId, kind: 'ANSWERED', sdp: sdpAnswer }];
    if (device) deliveries.push({ userId: me, exceptDeviceIds: [device], kind: 'ANSWERED_ELSEWHERE' });
    await ctx.inbox.append(active, deliveries, 'offer');
    return active;
  });
  // Cancelled, missed or answered meanwhile (by another of the callee's devices).
  if (!answered) throw badInput('The call is not ringing any more', 'callId');
  ctx.live.publishAfterCommit(...callEvent(answered, answered.callerId, 'ANSWERED', { sdp: sdpAnswer }));
  return answered;
}

/**
 * Relays one candidate to the other side: the caller's to the callee's device that answered (to
 * every device of the callee while the call rings), the callee's to every device of the caller.
 * calls stores none; the inbox entries keep it until the call ends.
 */
async function sendIceCandidate(
  _: unknown,
  args: MutationSendIceCandidateArgs,
  ctx: CallsContext,
): Promise<boolean> {
  const me = requireUser(ctx);
  const candidate = candidateInput(args.candidate);
  const call = await callAccess(ctx, args.callId);
  if (call.state === 'ENDED') throw badInput('The call has ended', 'callId');
  const to = otherSide(call, me);
  const answering = to === call.calleeId && call.answeredByDevice ? [call.answeredByDevice] : [];
  await ctx.inbox.append(call, [{ userId: to, deviceIds: answering, kind: 'ICE_CANDIDATE', candidate }]);
  ctx.live.publishAfterCommit(...callEvent(call, to, 'ICE_CANDIDATE', { candidate }));
  return true;
}

/** How `me` ending a call in `state` is recorded. */
function endReasonOf(call: Call, me: string): CallEndReason {
  if (call.state === 'ACTIVE') return 'HANGUP';
  return call.calleeId === me ? 'DECLINED' : 'CANCELLED';
}

/**
 * Hangs up, declines or cancels, by what the call is when the end lands: a cancel that crosses
 * an answer becomes a hang-up. The other side gets ENDED, and every device of both sides has it
 * in its inbox (appended before the end commits), whose entries of the call then keep no SDP or
 * candidate. Ending an ended call changes nothing.
 */
async function endCall(_: unknown, args: MutationEndCallArgs, ctx: CallsContext): Promise<Call> {
  const me = requireUser(ctx);
  let call = await callAccess(ctx, args.callId);
  for (;;) {
    if (call.state === 'ENDED') return call;
    const ended = await finishCall(ctx.db, call.id, endReasonOf(call, me), [call.state], (done) =>
      ctx.inbox.append(done, endedDeliveries(done), 'all'),
    );
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
