import { asUuid } from '@switchboard/core';
import { Code, ConnectError } from '@connectrpc/connect';
import type { LivePublisher } from '@switchboard/messaging';
import {
  ForgetSignalling,
  type AppendCallSignalsRequest,
  type CallSignalDelivery,
} from '@switchboard/rpc/chats/v1';
import { transaction } from './db.ts';
import type { PrismaClient } from './generated/prisma/client.ts';
import { announceInbox, type WrittenEntry } from './inbox.ts';
import { createLiveQueue } from './liveEvents.ts';

/**
 * `CallSignal` entries, appended by calls over gRPC (ChatsService.AppendCallSignals) to the inbox
 * of the devices each signal is for (docs/devices-and-inbox.md): INCOMING on every device of the
 * callee, ANSWERED_ELSEWHERE on the callee's devices that did not answer, candidates to the device
 * that answered. Unlike chats.inbox_append (every device of some users), a delivery may name the
 * devices it is for, so the devices are chosen here and appended to in one statement.
 */

const KINDS = new Set(['INCOMING', 'ANSWERED', 'ANSWERED_ELSEWHERE', 'ICE_CANDIDATE', 'ENDED']);
/** As calls enforces them (subgraphs/calls/src/signalling.ts): nothing larger is stored. */
const MAX_SDP_BYTES = 16 * 1024;
const MAX_CANDIDATE_BYTES = 1024;
/** One call's signals at a time: a handful of deliveries. */
const MAX_DELIVERIES = 16;

const invalid = (message: string) => new ConnectError(message, Code.InvalidArgument);

function uuidOf(value: string, field: string): string {
  const id = asUuid(value);
  if (!id) throw invalid(`${field} must be an id`);
  return id;
}

function payloadOf(callId: string, delivery: CallSignalDelivery): Record<string, string> {
  if (!KINDS.has(delivery.kind)) throw invalid(`kind ${delivery.kind} is not a call signal`);
  const payload: Record<string, string> = { callId, kind: delivery.kind };
  if (delivery.sdp !== undefined) {
    if (Buffer.byteLength(delivery.sdp) > MAX_SDP_BYTES) throw invalid('sdp is too large');
    payload['sdp'] = delivery.sdp;
  }
  if (delivery.candidate !== undefined) {
    if (Buffer.byteLength(delivery.candidate) > MAX_CANDIDATE_BYTES) throw invalid('candidate is too large');
    payload['candidate'] = delivery.candidate;
  }
  return payload;
}

/** Which of a user's active devices a delivery is for. */
function targets(delivery: CallSignalDelivery, devices: string[]): string[] {
  const only = new Set(delivery.deviceIds.map((id) => uuidOf(id, 'device_ids')));
  const except = new Set(delivery.exceptDeviceIds.map((id) => uuidOf(id, 'except_device_ids')));
  return devices.filter((id) => (only.size === 0 || only.has(id)) && !except.has(id));
}

/**
 * Appends the request's signals and forgets what it says to, in one transaction, then says "look"
 * on each device written. Answers how many entries were appended.
 */
export async function appendCallSignals(
  db: PrismaClient,
  publisher: LivePublisher,
  request: AppendCallSignalsRequest,
): Promise<number> {
  const callId = uuidOf(request.callId, 'call_id');
  const chatId = uuidOf(request.chatId, 'chat_id');
  if (request.deliveries.length > MAX_DELIVERIES)
    throw invalid(`at most ${MAX_DELIVERIES} deliveries per call`);
  const deliveries = request.deliveries.map((delivery) => ({
    delivery,
    userId: uuidOf(delivery.userId, 'user_id'),
    payload: payloadOf(callId, delivery),
  }));
  const userIds = [...new Set(deliveries.map((d) => d.userId))];

  const written = await transaction(db, async (tx) => {
    // The chat's row, shared, as chats.inbox_append takes it: these entries and a membership
    // change of the chat are written one after the other, never interleaved.
    await tx.$queryRaw`SELECT 1 FROM "chats"."Chat" WHERE "id" = ${chatId}::uuid FOR SHARE`;
    const active = await tx.deviceProjection.findMany({
      where: { userId: { in: userIds } },
      select: { deviceId: true, userId: true },
      orderBy: { deviceId: 'asc' },
    });
    const devices: string[] = [];
    const payloads: string[] = [];
    for (const { delivery, userId, payload } of deliveries) {
      const own = active.filter((device) => device.userId === userId).map((device) => device.deviceId);
      for (const deviceId of targets(delivery, own)) {
        devices.push(deviceId);
        payloads.push(JSON.stringify(payload));
      }
    }
    // Positions per device as chats.inbox_append hands them out: each head is taken (locked) in
    // device order in one statement, and its entries numbered in the order of the request.
    const appended =
      devices.length === 0
        ? []
        : await tx.$queryRaw<WrittenEntry[]>`
          WITH items AS (
            SELECT i.device, i.payload,
              row_number() OVER (PARTITION BY i.device ORDER BY i.n) AS r,
              count(*) OVER (PARTITION BY i.device) AS k
            FROM unnest(${devices}::uuid[], ${payloads}::jsonb[]) WITH ORDINALITY AS i(device, payload, n)
          ), heads AS (
            INSERT INTO "chats"."InboxHead" AS h ("deviceId", "userId", "pos")
            SELECT d."deviceId", d."userId", c.k FROM "chats"."DeviceProjection" d
            JOIN (SELECT DISTINCT device, k FROM items) c ON c.device = d."deviceId"
            ORDER BY d."deviceId"
            ON CONFLICT ("deviceId") DO UPDATE SET "pos" = h."pos" + EXCLUDED."pos"
            RETURNING h."deviceId", h."pos"
          )
          INSERT INTO "chats"."InboxEntry" ("deviceId", "pos", "kind", "chatId", "payload")
          SELECT heads."deviceId", heads."pos" - items.k + items.r, 'CallSignal', ${chatId}::uuid, items.payload
          FROM heads JOIN items ON items.device = heads."deviceId"
          RETURNING "deviceId"::text AS "deviceId", "pos"`;
    // The contract keeps neither SDP nor candidates once a call is set up: an answered call's
    // offer, and an ended call's everything, leave the entries of both users' devices.
    if (request.forget === ForgetSignalling.OFFER)
      await tx.$executeRaw`
        UPDATE "chats"."InboxEntry" SET "payload" = "payload" - 'sdp'
        WHERE "deviceId" IN (SELECT "deviceId" FROM "chats"."DeviceProjection" WHERE "userId" = ANY(${userIds}::uuid[]))
          AND "kind" = 'CallSignal' AND "payload"->>'callId' = ${callId}
          AND "payload"->>'kind' = 'INCOMING' AND "payload"->>'sdp' IS NOT NULL`;
    else if (request.forget === ForgetSignalling.ALL)
      await tx.$executeRaw`
        UPDATE "chats"."InboxEntry" SET "payload" = "payload" - 'sdp' - 'candidate'
        WHERE "deviceId" IN (SELECT "deviceId" FROM "chats"."DeviceProjection" WHERE "userId" = ANY(${userIds}::uuid[]))
          AND "kind" = 'CallSignal' AND "payload"->>'callId' = ${callId}
          AND ("payload"->>'sdp' IS NOT NULL OR "payload"->>'candidate' IS NOT NULL)`;
    return appended;
  });
  const live = createLiveQueue(publisher);
  announceInbox({ live }, written);
  await live.flush();
  return written.length;
}
