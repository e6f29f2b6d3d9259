import type { LivePublisher } from '@switchboard/messaging';
import { finishCall } from './callRecords.ts';
import type { CallEndReason, CallState, PrismaClient } from './generated/prisma/client.ts';
import { endedDeliveries, type CallInbox } from './inbox.ts';
import { callEvent } from './liveEvents.ts';

/**
 * The server ends a call (MISSED, FAILED): nobody on it asked, so both sides get ENDED, on every
 * device (appended before the end commits: chats unreachable, it throws and the call is left for
 * the job's retry). Returns whether it was still in one of `from` (a retry, or a race with the
 * participants, finds it ended).
 */
export async function endByServer(
  db: PrismaClient,
  live: LivePublisher,
  inbox: CallInbox,
  callId: string,
  reason: CallEndReason,
  from: CallState[],
): Promise<boolean> {
  const ended = await finishCall(db, callId, reason, from, (call) =>
    inbox.append(call, endedDeliveries(call), 'all'),
  );
  if (!ended) return false;
  await Promise.all(
    [ended.callerId, ended.calleeId].map((userId) => live.publish(...callEvent(ended, userId, 'ENDED'))),
  );
  return true;
}
