import { asUuid } from '@switchboard/core';
import { Code, ConnectError } from '@connectrpc/connect';
import type { PrismaClient } from './generated/prisma/client.ts';

/**
 * Push per device, read from the store (docs/devices-and-inbox.md, "Push"): a device is owed a
 * push when its inbox holds a message from someone else after both what it acknowledged
 * (`ackedPos`) and what was pushed (`pushedPos`), or when its last push was claimed and never
 * confirmed within the lease. The worker asks (ChatsService.OwedPushes), claims (`claimPushes`:
 * moves `pushedPos` to the head, once per batch of entries whatever the number of workers), sends,
 * and settles. Receipts, edits and a device's own user's messages are in the inbox too but owe no
 * push; a call's INCOMING is pushed from its CallStarted event (while it rings).
 */

export interface OwedPush {
  deviceId: string;
  userId: string;
  /** The device's head when read: a claim covers its entries up to here. */
  pos: number;
  /** When its oldest owed message entry was written. */
  since: Date;
  /** How many messages it is owed. */
  messages: number;
  /** The newest of them: what the notification names. */
  chatId: string;
  chatTitle: string | null;
  messageId: string;
  seq: number;
  senderId: string;
}

export interface OwedPushQuery {
  /** Only these devices; null: any, oldest owed first. */
  deviceIds: string[] | null;
  minAgeMs: number;
  limit: number;
  leaseMs: number;
  /** Resume after this (since, device) of the previous page. */
  after: { since: Date; deviceId: string } | null;
}

export const MAX_OWED_PAGE = 1000;

const invalid = (message: string) => new ConnectError(message, Code.InvalidArgument);

/** The ids as uuids; any that is not one is INVALID_ARGUMENT. */
export function checkedDeviceIds(ids: readonly string[]): string[] {
  return ids.map((id) => {
    const deviceId = asUuid(id);
    if (!deviceId) throw invalid('device ids must be ids');
    return deviceId;
  });
}

export async function owedPushes(db: PrismaClient, query: OwedPushQuery): Promise<OwedPush[]> {
  if (query.limit < 1 || query.limit > MAX_OWED_PAGE) throw invalid(`limit must be 1-${MAX_OWED_PAGE}`);
  const devices = query.deviceIds;
  const afterSince = query.after?.since ?? null;
  const afterDevice = query.after?.deviceId ?? null;
  // The first condition is the partial index's (InboxHead_owedPush_idx): only heads that may be owed
  // are read. An expired claim owes everything after ackedPos again (the push it claimed may be lost).
  return db.$queryRaw<OwedPush[]>`
    SELECT h."deviceId"::text AS "deviceId", h."userId"::text AS "userId", h."pos", o."since",
      o."messages", o."chatId"::text AS "chatId", c."title" AS "chatTitle",
      o."messageId"::text AS "messageId", o."seq", o."senderId"::text AS "senderId"
    FROM "chats"."InboxHead" h
    CROSS JOIN LATERAL (
      SELECT min(e."createdAt") AS "since", count(*)::int AS "messages",
        (array_agg(m."chatId" ORDER BY e."pos" DESC))[1] AS "chatId",
        (array_agg(m."id" ORDER BY e."pos" DESC))[1] AS "messageId",
        (array_agg(m."seq" ORDER BY e."pos" DESC))[1] AS "seq",
        (array_agg(m."senderId" ORDER BY e."pos" DESC))[1] AS "senderId"
      FROM "chats"."InboxEntry" e
      JOIN "chats"."Message" m ON m."id" = (e."payload"->>'messageId')::uuid
      WHERE e."deviceId" = h."deviceId" AND e."kind" = 'MessageAdded' AND m."senderId" <> h."userId"
        AND e."pos" > CASE
          WHEN h."pushClaimedAt" < now() - ${query.leaseMs}::int * interval '1 millisecond' THEN h."ackedPos"
          ELSE GREATEST(h."ackedPos", h."pushedPos") END
    ) o
    LEFT JOIN "chats"."Chat" c ON c."id" = o."chatId"
    WHERE (h."pos" > GREATEST(h."ackedPos", h."pushedPos") OR h."pushClaimedAt" IS NOT NULL)
      AND h."pos" > h."ackedPos"
      AND (h."pos" > h."pushedPos"
        OR h."pushClaimedAt" < now() - ${query.leaseMs}::int * interval '1 millisecond')
      AND (${devices}::uuid[] IS NULL OR h."deviceId" = ANY(${devices}::uuid[]))
      AND o."messages" > 0
      AND o."since" <= now() - ${query.minAgeMs}::int * interval '1 millisecond'
      AND (${afterSince}::timestamptz IS NULL OR (o."since", h."deviceId") > (${afterSince}::timestamptz, ${afterDevice}::uuid))
    ORDER BY o."since", h."deviceId"
    LIMIT ${query.limit}`;
}

export interface PushClaim {
  deviceId: string;
  pos: number;
}

/**
 * Claims each device's push up to its `pos`: moves `pushedPos` there, unless another claim got it
 * first, the device acknowledged it since, or a claim of it is still within its lease. Concurrent
 * claims of one device queue on its row, and the second finds the first's `pushedPos`: one wins.
 */
export async function claimPushes(
  db: PrismaClient,
  claims: PushClaim[],
  leaseMs: number,
): Promise<PushClaim[]> {
  if (claims.length === 0) return [];
  return db.$queryRaw<PushClaim[]>`
    UPDATE "chats"."InboxHead" h SET "pushedPos" = c."pos", "pushClaimedAt" = now()
    FROM unnest(${claims.map((c) => c.deviceId)}::uuid[], ${claims.map((c) => c.pos)}::int[]) AS c("deviceId", "pos")
    WHERE h."deviceId" = c."deviceId" AND c."pos" <= h."pos" AND c."pos" > h."ackedPos"
      AND (c."pos" > h."pushedPos"
        OR (c."pos" = h."pushedPos"
          AND h."pushClaimedAt" < now() - ${leaseMs}::int * interval '1 millisecond'))
    RETURNING h."deviceId"::text AS "deviceId", h."pushedPos" AS "pos"`;
}

/**
 * `sent`: the push service took it (or the device had nothing to send to): never owed again.
 * `released`: refused for sure: owed again at once. Only the claim still in place is settled (a
 * newer claim of the device is left alone).
 */
export async function settlePushes(
  db: PrismaClient,
  sent: PushClaim[],
  released: PushClaim[],
): Promise<void> {
  const settle = (claims: PushClaim[], confirmed: boolean) =>
    claims.length === 0
      ? Promise.resolve(0)
      : db.$executeRaw`
          UPDATE "chats"."InboxHead" h
          SET "pushClaimedAt" = CASE WHEN ${confirmed} THEN NULL ELSE 'epoch'::timestamptz END
          FROM unnest(${claims.map((c) => c.deviceId)}::uuid[], ${claims.map((c) => c.pos)}::int[]) AS c("deviceId", "pos")
          WHERE h."deviceId" = c."deviceId" AND h."pushedPos" = c."pos" AND h."pushClaimedAt" IS NOT NULL`;
  await Promise.all([settle(sent, true), settle(released, false)]);
}
