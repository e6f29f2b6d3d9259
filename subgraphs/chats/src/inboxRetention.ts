import type { PrismaClient } from './generated/prisma/client.ts';

/** Entries are kept at least this long (docs/devices-and-inbox.md); older ones may be pruned. */
export const DEFAULT_INBOX_RETENTION_DAYS = 7;
/** Rows deleted per statement: a long-idle backlog is pruned in short transactions. */
const PRUNE_BATCH = 10_000;

/**
 * Deletes inbox entries older than the retention and raises each device's `prunedPos` to the
 * newest position it lost, so a cursor below it is answered RESYNC_REQUIRED rather than a gap.
 * Safe to run from several chats processes at once. Returns how many entries it deleted.
 */
export async function pruneInbox(
  db: PrismaClient,
  retentionDays = DEFAULT_INBOX_RETENTION_DAYS,
): Promise<number> {
  let total = 0;
  for (;;) {
    const [row] = await db.$queryRaw<{ deleted: number }[]>`
      WITH gone AS (
        DELETE FROM "chats"."InboxEntry" e
        WHERE ("deviceId", "pos") IN (
          SELECT "deviceId", "pos" FROM "chats"."InboxEntry"
          WHERE "createdAt" < now() - make_interval(days => ${retentionDays}::int)
          LIMIT ${PRUNE_BATCH}
          FOR UPDATE SKIP LOCKED
        )
        RETURNING e."deviceId", e."pos"
      ), raised AS (
        UPDATE "chats"."InboxHead" h SET "prunedPos" = GREATEST(h."prunedPos", g."pos")
        FROM (SELECT "deviceId", max("pos") AS "pos" FROM gone GROUP BY "deviceId") g
        WHERE h."deviceId" = g."deviceId"
      )
      SELECT count(*)::int AS deleted FROM gone`;
    const deleted = row?.deleted ?? 0;
    total += deleted;
    if (deleted < PRUNE_BATCH) break;
  }
  return total + (await dropOrphans(db));
}

/**
 * A message sent while a device is revoked may append to it from a snapshot taken before the
 * revocation committed, after the revocation dropped its inbox: such rows are of no device (its
 * token is refused, nobody reads them) and are dropped here rather than by locking every member
 * device's projection row on each send. A minute's margin keeps a device being created safe.
 */
async function dropOrphans(db: PrismaClient): Promise<number> {
  const [row] = await db.$queryRaw<{ deleted: number }[]>`
    WITH orphans AS (
      DELETE FROM "chats"."InboxHead" h
      WHERE h."createdAt" < now() - interval '1 minute'
        AND NOT EXISTS (SELECT 1 FROM "chats"."DeviceProjection" d WHERE d."deviceId" = h."deviceId")
      RETURNING h."deviceId"
    ), entries AS (
      DELETE FROM "chats"."InboxEntry" e USING orphans o WHERE e."deviceId" = o."deviceId" RETURNING 1
    )
    SELECT count(*)::int AS deleted FROM entries`;
  return row?.deleted ?? 0;
}

/** Prunes now and then every `intervalMs` (default hourly); returns a stop function. */
export function schedulePruning(
  db: PrismaClient,
  options: { retentionDays?: number; intervalMs?: number; log?: (message: string, error?: unknown) => void },
): () => void {
  const run = () =>
    pruneInbox(db, options.retentionDays).catch((error: unknown) =>
      options.log?.('inbox pruning failed; tried again at the next interval', error),
    );
  void run();
  const timer = setInterval(run, options.intervalMs ?? 3_600_000);
  timer.unref();
  return () => clearInterval(timer);
}
