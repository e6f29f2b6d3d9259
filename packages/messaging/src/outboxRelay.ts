import { connectionAs } from '@switchboard/db';
import { defaultLog } from '@switchboard/observability';
import { Queue } from 'bullmq';
import { checkQueuePrefix, isCluster, waitForReplicas, type RedisClient } from './redis.ts';
import pg from 'pg';
import { eventJobOptions, type EventJobData } from './jobOptions.ts';
import { consumerQueues, queuesFor, type ConsumerQueue } from './routes.ts';

export interface OutboxRelayOptions {
  /** The producer's database (its DATABASE_URL_<SUBGRAPH>); the relay acts as its role. */
  databaseUrl: string;
  /** The producer's Postgres schema: a relay only ever reads its own subgraph's outbox. */
  schema: string;
  redis: RedisClient;
  /** BullMQ key prefix (tests use a random one). */
  prefix: string;
  batchSize?: number;
  /**
   * Fallback poll (default 1 s); new rows wake the relay at once through LISTEN/NOTIFY, and while
   * it listens it polls only every `listeningPollIntervalMs` (default 10 s), for a NOTIFY lost
   * with a dropped connection.
   */
  pollIntervalMs?: number;
  listeningPollIntervalMs?: number;
  log?: (message: string, error?: unknown) => void;
  /** Test hook: runs after the jobs were added and before the rows are marked published. */
  afterPublish?: () => Promise<void>;
  /**
   * Published rows older than this are deleted (OUTBOX_RETENTION_HOURS); 0 or absent keeps
   * them all. Pending rows are never deleted.
   */
  retentionHours?: number;
  /** How often the running relay prunes (default hourly). */
  pruneIntervalMs?: number;
}

export interface OutboxRelay {
  /** Relays everything pending now; returns how many events it moved. */
  drain(): Promise<number>;
  /** Deletes the rows published longer than the retention ago; returns how many. */
  prune(): Promise<number>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

interface OutboxRow {
  id: string;
  eventId: string;
  type: string;
  version: number;
  payload: unknown;
}

/**
 * Moves committed outbox rows to the consumers' BullMQ queues (architecture.md, principle 2).
 * Rows are claimed with FOR UPDATE SKIP LOCKED, so any number of relays can run; each job's id
 * is the event id, so a relay that dies after adding jobs but before marking the rows published
 * only re-adds jobs that BullMQ already holds: nothing is lost and nothing runs twice.
 * Published rows are kept for `retentionHours` (replays and rebuilds read them), then deleted.
 */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const log = options.log ?? defaultLog({ component: 'outbox-relay', schema: options.schema });
  const table = `"${options.schema}"."OutboxEvent"`;
  const channel = `outbox_${options.schema}`;
  if (isCluster(options.redis)) checkQueuePrefix(options.prefix);
  const pool = new pg.Pool({ ...connectionAs(options.databaseUrl, options.schema), max: 2 });
  const queues = new Map<ConsumerQueue, Queue>(
    consumerQueues.map((name) => [
      name,
      new Queue(name, { connection: options.redis, prefix: options.prefix }),
    ]),
  );
  let listener: pg.PoolClient | undefined;
  /** LISTEN is in place: new rows wake the relay, and the poll is only a backstop. */
  let listening = false;
  let degradedSaidAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let loop: Promise<void> | undefined;
  /** Set by a NOTIFY (or stop) while a drain runs, so the loop drains again instead of sleeping. */
  let wakeRequested = false;
  let wake: (() => void) | undefined;
  const poke = () => {
    wakeRequested = true;
    wake?.();
  };

  async function relayBatch(): Promise<number> {
    const client = await pool.connect();
    try {
      // One round trip claims the batch (marked published, rolled back if publishing fails), one
      // commits it: the relay runs once per commit of a busy producer.
      const batchSize = Math.trunc(options.batchSize ?? 200);
      const results = (await client.query(
        `BEGIN;
         UPDATE ${table} SET "publishedAt" = now() WHERE id IN (
           SELECT id FROM ${table} WHERE "publishedAt" IS NULL ORDER BY id LIMIT ${batchSize} FOR UPDATE SKIP LOCKED)
         RETURNING id::text, "eventId", type, version, payload`,
      )) as unknown as { rows: OutboxRow[] }[];
      const rows = results[1]!.rows.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
      if (rows.length === 0) {
        await client.query('COMMIT');
        return 0;
      }
      const jobsByQueue = new Map<
        ConsumerQueue,
        { name: string; data: EventJobData; opts: typeof eventJobOptions }[]
      >();
      for (const row of rows) {
        const data: EventJobData = {
          eventId: row.eventId,
          type: row.type,
          version: row.version,
          payload: row.payload,
          source: options.schema,
          sequence: row.id,
        };
        for (const queue of queuesFor(row.type, row.payload)) {
          const jobs = jobsByQueue.get(queue) ?? [];
          jobs.push({ name: row.type, data, opts: { ...eventJobOptions, jobId: row.eventId } });
          jobsByQueue.set(queue, jobs);
        }
      }
      await Promise.all([...jobsByQueue].map(([queue, jobs]) => queues.get(queue)!.addBulk(jobs)));
      // On a Redis Cluster a master confirms a write before its replica has it; rows are marked
      // published only once a replica holds the jobs too, so a failover cannot lose them.
      await waitForReplicas(options.redis, options.prefix, {
        onDegraded: (master) => {
          if (Date.now() - degradedSaidAt < 60_000) return;
          degradedSaidAt = Date.now();
          log(`Redis master ${master} has no replica: relayed jobs rely on its AOF alone`);
        },
      });
      await options.afterPublish?.();
      await client.query('COMMIT');
      return rows.length;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  async function drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const moved = await relayBatch();
      total += moved;
      if (moved === 0) return total;
    }
  }

  /** In batches, so no one statement holds many row locks or a long transaction. */
  async function prune(): Promise<number> {
    if (!options.retentionHours) return 0;
    const batch = 1000;
    let total = 0;
    for (;;) {
      const { rowCount } = await pool.query(
        `DELETE FROM ${table} WHERE id IN (
           SELECT id FROM ${table}
           WHERE "publishedAt" < now() - $1::double precision * interval '1 hour'
           ORDER BY "publishedAt" LIMIT ${batch})`,
        [options.retentionHours],
      );
      total += rowCount ?? 0;
      if ((rowCount ?? 0) < batch) return total;
    }
  }

  let prunedAt = 0;
  async function pruneWhenDue(): Promise<void> {
    if (!options.retentionHours || Date.now() - prunedAt < (options.pruneIntervalMs ?? 3600_000)) return;
    prunedAt = Date.now();
    try {
      await prune();
    } catch (error) {
      log('pruning published events failed; trying again later', error);
    }
  }

  async function runLoop(): Promise<void> {
    while (running) {
      wakeRequested = false;
      await pruneWhenDue();
      try {
        await drain();
      } catch (error) {
        log('relay failed; retrying', error);
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      if (wakeRequested) continue;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(
          resolve,
          listening ? (options.listeningPollIntervalMs ?? 10_000) : (options.pollIntervalMs ?? 1000),
        );
      });
      clearTimeout(timer);
    }
  }

  return {
    drain,
    prune,
    async start() {
      if (running) return;
      running = true;
      try {
        listener = await pool.connect();
        listener.on('notification', poke);
        // A listener that breaks hears nothing more: polling takes over at the short interval.
        listener.on('error', (error) => {
          listening = false;
          log('LISTEN connection lost; polling instead', error);
          poke();
        });
        await listener.query(`LISTEN ${channel}`);
        listening = true;
      } catch (error) {
        log('LISTEN failed; falling back to polling', error);
      }
      loop = runLoop();
    },
    async stop() {
      running = false;
      poke();
      await loop;
      if (listener) {
        await listener.query(`UNLISTEN ${channel}`).catch(() => {});
        // A connection that failed is dropped, not handed back to the pool.
        listener.release(!listening);
      }
      await Promise.all([...queues.values()].map((queue) => queue.close()));
      await pool.end();
    },
  };
}
