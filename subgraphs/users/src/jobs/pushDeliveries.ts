import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../generated/prisma/client.ts';

/** What an attempt may do about one (event, subscription) push. */
export type PushClaim =
  | { state: 'claimed'; claimId: string }
  /** The push service accepted it already. */
  | { state: 'sent' }
  /** Another attempt holds the claim (a stalled job's original still running, or one that died). */
  | { state: 'held'; expiresInMs: number };

/**
 * Claims the push of `eventId` to `subscriptionId` before it is sent, so two attempts never send
 * at once. A claim that was never confirmed (`markSent`) is taken over once `leaseMs` have passed:
 * its holder died or gave up, and may or may not have reached the push service.
 */
export async function claimPush(
  db: PrismaClient,
  eventId: string,
  subscriptionId: string,
  leaseMs: number,
): Promise<PushClaim> {
  const claimId = randomUUID();
  const taken = await db.$executeRaw`
    INSERT INTO "users"."PushDelivery" ("eventId", "subscriptionId", "claimId")
    VALUES (${eventId}::uuid, ${subscriptionId}::uuid, ${claimId}::uuid)
    ON CONFLICT ("eventId", "subscriptionId") DO UPDATE SET "claimId" = EXCLUDED."claimId", "claimedAt" = now()
    WHERE "PushDelivery"."sentAt" IS NULL
      AND "PushDelivery"."claimedAt" < now() - ${leaseMs}::int * interval '1 millisecond'`;
  if (taken === 1) return { state: 'claimed', claimId };
  const [row] = await db.$queryRaw<{ sent: boolean; expiresInMs: number }[]>`
    SELECT "sentAt" IS NOT NULL AS sent,
      GREATEST(0, CEIL(EXTRACT(EPOCH FROM "claimedAt" - now()) * 1000 + ${leaseMs}::int))::int AS "expiresInMs"
    FROM "users"."PushDelivery"
    WHERE "eventId" = ${eventId}::uuid AND "subscriptionId" = ${subscriptionId}::uuid`;
  // Gone in between: released by its holder, or the subscription was deleted. Look again soon.
  if (!row) return { state: 'held', expiresInMs: 0 };
  return row.sent ? { state: 'sent' } : { state: 'held', expiresInMs: row.expiresInMs };
}

/** The push service answered 2xx: no attempt sends it again. */
export async function markPushSent(db: PrismaClient, eventId: string, subscriptionId: string): Promise<void> {
  await db.$executeRaw`
    UPDATE "users"."PushDelivery" SET "sentAt" = now()
    WHERE "eventId" = ${eventId}::uuid AND "subscriptionId" = ${subscriptionId}::uuid`;
}

/** The push failed: let the job's next attempt claim it at once instead of after the lease. */
export async function releasePush(
  db: PrismaClient,
  eventId: string,
  subscriptionId: string,
  claimId: string,
): Promise<void> {
  await db.$executeRaw`
    DELETE FROM "users"."PushDelivery"
    WHERE "eventId" = ${eventId}::uuid AND "subscriptionId" = ${subscriptionId}::uuid
      AND "claimId" = ${claimId}::uuid AND "sentAt" IS NULL`;
}
