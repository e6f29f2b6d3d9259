import type { Call, CallEndReason, CallState, Prisma, PrismaClient } from './generated/prisma/client.ts';

export type Tx = Prisma.TransactionClient;

/**
 * Takes the lines of both users for a new call, in one statement and in id order (so two calls
 * between the same people at once queue rather than deadlock). Answers which of them were free:
 * a user on a RINGING or ACTIVE call still holds their line.
 */
export async function takeLines(tx: Tx, callId: string, userIds: [string, string]): Promise<Set<string>> {
  const [first, second] = [...userIds].sort();
  const taken = await tx.$queryRaw<{ userId: string }[]>`
    INSERT INTO "calls"."CallLine" ("userId", "callId")
    VALUES (${first}::uuid, ${callId}::uuid), (${second}::uuid, ${callId}::uuid)
    ON CONFLICT ("userId") DO NOTHING
    RETURNING "userId"::text AS "userId"`;
  return new Set(taken.map((row) => row.userId));
}

/**
 * Ends a call that is still in one of `from` (a concurrent change wins otherwise: then null), and
 * frees both lines, in one transaction. Every way a call ends goes through here. `before` runs
 * with the ended call before the transaction commits (the ENDED entries appended to the devices'
 * inboxes): if it throws, the call is left as it was.
 */
export async function finishCall(
  db: PrismaClient,
  callId: string,
  reason: CallEndReason,
  from: CallState[],
  before: (ended: Call) => Promise<void> = async () => {},
): Promise<Call | null> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.call.updateMany({
      where: { id: callId, state: { in: from } },
      data: { state: 'ENDED', endReason: reason, endedAt: new Date(), sdpOffer: null, unattendedSince: null },
    });
    if (count === 0) return null;
    await tx.callLine.deleteMany({ where: { callId } });
    const ended = await tx.call.findUniqueOrThrow({ where: { id: callId } });
    await before(ended);
    return ended;
  });
}
