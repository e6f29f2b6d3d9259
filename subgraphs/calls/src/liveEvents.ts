import { liveChannel, type LiveEvent } from '@switchboard/messaging';
import type { Call } from './generated/prisma/client.ts';

export type CallEventKind = 'INCOMING' | 'ANSWERED' | 'ICE_CANDIDATE' | 'ENDED';

/** A call as resolvers pass it (the `Call` type's mapper): its row, less what the API never shows. */
export type CallRecord = Omit<Call, 'ringsUntil' | 'sdpOffer'>;

/** A `CallEvent` as resolvers pass it. */
export interface CallEventPayload {
  kind: CallEventKind;
  sdp: string | null;
  candidate: string | null;
  call: CallRecord;
}

const iso = (date: Date | null) => date?.toISOString() ?? null;
const ref = (typename: string, id: string) => ({ __typename: typename, id });

/** Seconds from answer to end, for an answered call that ended. */
export const durationSeconds = (call: Pick<Call, 'answeredAt' | 'endedAt'>) =>
  call.answeredAt && call.endedAt
    ? Math.round((call.endedAt.getTime() - call.answeredAt.getTime()) / 1000)
    : null;

/** A call as this subgraph answers it (architecture.md, principle 8: the event carries it). */
export function callData(call: CallRecord) {
  return {
    __typename: 'Call',
    id: call.id,
    video: call.video,
    state: call.state,
    endReason: call.endReason,
    startedAt: iso(call.startedAt),
    answeredAt: iso(call.answeredAt),
    endedAt: iso(call.endedAt),
    durationSeconds: durationSeconds(call),
    chat: ref('Chat', call.chatId),
    caller: ref('User', call.callerId),
    callee: ref('User', call.calleeId),
  };
}

/**
 * One participant's signalling event, on their own channel (`calls:<user id>`, which only they
 * follow): the other side's offer, answer or candidate, or the end. It carries the SDP or the
 * candidate through Redis pub/sub and nowhere else: neither is ever stored. The gateway sends a
 * subgraph the event without its `data`, so what the payload needs besides the call is on top.
 */
export function callEvent(
  call: CallRecord,
  to: string,
  kind: CallEventKind,
  signal: { sdp?: string; candidate?: string } = {},
): [string, LiveEvent] {
  const sdp = signal.sdp ?? null;
  const candidate = signal.candidate ?? null;
  return [
    liveChannel.calls(to),
    {
      type: 'callEvent',
      callId: call.id,
      to,
      kind,
      sdp,
      candidate,
      // The payload as a whole (the gateway answers from it), beside what identifies it.
      data: { __typename: 'CallEvent', kind, sdp, candidate, call: callData(call) },
    },
  ];
}
