import { connectionAs } from '@switchboard/db';
import { Queue } from 'bullmq';
import type { RedisClient } from './redis.ts';
import pg from 'pg';
import { eventJobOptions, type EventJobData } from './jobOptions.ts';
import { consumers, type ConsumerQueue } from './routes.ts';

/**
 * Sends a producer's past events again, oldest first, to one consumer's queue: the history a
 * projection is rebuilt from, as far back as the outbox keeps it (OUTBOX_RETENTION_HOURS). Job
 * ids are new (`<eventId>:replay:<run>`), and the outbox sequence travels along, so a projection
 * applies each change only if it is newer than what it has (live events keep flowing meanwhile).
 */
export async function replayOutbox(options: {
  /** The producer's database; its outbox is read as the producer's role. */
  databaseUrl: string;
  /** The producer's schema, e.g. 'users'. */
  source: string;
  queue: ConsumerQueue;
  redis: RedisClient;
  prefix: string;
  batchSize?: number;
}): Promise<number> {
  const types = consumers[options.queue] as readonly string[];
  const client = new pg.Client(connectionAs(options.databaseUrl, options.source));
  const queue = new Queue(options.queue, { connection: options.redis, prefix: options.prefix });
  const run = Date.now().toString(36);
  let after = '0';
  let total = 0;
  await client.connect();
  try {
    for (;;) {
      const { rows } = await client.query<{
        id: string;
        eventId: string;
        type: string;
        version: number;
        payload: unknown;
      }>(
        `SELECT id::text, "eventId", type, version, payload FROM "${options.source}"."OutboxEvent"
         WHERE type = ANY($1) AND id > $2::bigint ORDER BY id LIMIT $3`,
        [types, after, options.batchSize ?? 500],
      );
      if (rows.length === 0) return total;
      await queue.addBulk(
        rows.map((row) => {
          const data: EventJobData = { ...row, source: options.source, sequence: row.id };
          return {
            name: row.type,
            data,
            opts: { ...eventJobOptions, jobId: `${row.eventId}:replay:${run}` },
          };
        }),
      );
      total += rows.length;
      after = rows[rows.length - 1]!.id;
    }
  } finally {
    await client.end();
    await queue.close();
  }
}

/** Puts a consumer's failed jobs back in line (after the cause was fixed). Returns how many. */
export async function retryFailed(options: {
  queue: ConsumerQueue;
  redis: RedisClient;
  prefix: string;
}): Promise<number> {
  const queue = new Queue(options.queue, { connection: options.redis, prefix: options.prefix });
  try {
    const failed = await queue.getFailedCount();
    await queue.retryJobs({ state: 'failed' });
    return failed;
  } finally {
    await queue.close();
  }
}
