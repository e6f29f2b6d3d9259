import type { LivePublisher } from '@switchboard/messaging';
import { finishCall } from './callRecords.ts';
import type { CallEndReason, CallState, PrismaClient } from './generated/prisma/client.ts';
import { callEvent } from './liveEvents.ts';

/**
 * The server ends a call (MISSED, FAILED): nobody on it asked, so both sides get ENDED. Returns
 * whether it was still in one of `from` (a retry, or a race with the participants, finds it ended).
 */
export async function endByServer(
  db: PrismaClient,
  live: LivePublisher,
  callId: string,
  reason: CallEndReason,
  from: CallState[],
): Promise<boolean> {
  const ended = await finishCall(db, callId, reason, from);
  if (!ended) return false;
  await Promise.all(
    [ended.callerId, ended.calleeId].map((userId) => live.publish(...callEvent(ended, userId, 'ENDED'))),
  );
  return true;
}
