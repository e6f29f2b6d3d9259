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
    if (deleted < PRUNE_BATCH) return total;
  }
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
