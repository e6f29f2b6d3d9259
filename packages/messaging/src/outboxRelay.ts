import { connectionAs } from '@switchboard/db';
import { defaultLog } from '@switchboard/observability';
import { Queue } from 'bullmq';
import { checkQueuePrefix, isCluster, logRedisErrors, waitForReplicas, type RedisClient } from './redis.ts';
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
   * How often it looks for rows when nothing woke it (default 250 ms): a mutation of this process
   * wakes it at once (`wakeOutboxRelays`); rows another process wrote (a worker's handler) wait
   * for the poll.
   */
  pollIntervalMs?: number;
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

/** The relays running in this process: a mutation that committed wakes them. */
const inProcess = new Set<() => void>();

/**
 * Tells this process's relays that rows may have been committed (after a mutation answered). It
 * replaces NOTIFY: Postgres serialises every commit that issued a NOTIFY, through its WAL flush,
 * across the whole server (a lock on pg_database), which capped sends (bench/README.md).
 */
export function wakeOutboxRelays(): void {
  for (const wake of inProcess) wake();
}

/**
 * Moves committed outbox rows to the consumers' BullMQ queues (architecture.md, principle 2).
 * Any number of relays can run: one at a time relays a producer's outbox, under a session
 * advisory lock that the others skip (no transaction, no row lock is held while Redis is written
 * and `WAIT`ed on: a slow or absent Redis never holds back the producer's vacuum, its pruning or
 * other relays' connections). Rows are read, their jobs added, then marked published in one short
 * statement; each job's id is the event id, so a relay that dies after adding jobs but before
 * marking the rows only re-adds jobs BullMQ already holds (see `eventJobOptions` for how long),
 * and the consumers' handlers are idempotent beyond that. Published rows are kept for
 * `retentionHours` (replays and rebuilds read them), then deleted.
 */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const log = options.log ?? defaultLog({ component: 'outbox-relay', schema: options.schema });
  const table = `"${options.schema}"."OutboxEvent"`;
  if (isCluster(options.redis)) checkQueuePrefix(options.prefix);
  const pool = new pg.Pool({ ...connectionAs(options.databaseUrl, options.schema), max: 2 });
  const queues = new Map<ConsumerQueue, Queue>(
    consumerQueues.map((name) => [
      name,
      logRedisErrors(
        new Queue(name, { connection: options.redis, prefix: options.prefix }),
        `outbox relay's queue ${name}: Redis error (retrying)`,
      ),
    ]),
  );
  let degradedSaidAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let loop: Promise<void> | undefined;
  /** Set by a wake (or stop) while a drain runs, so the loop drains again instead of sleeping. */
  let wakeRequested = false;
  let wake: (() => void) | undefined;
  const poke = () => {
    wakeRequested = true;
    wake?.();
  };

  /** The advisory lock of this producer's outbox: one relay at a time moves its rows, in order. */
  const lockKey = `hashtext('switchboard.outbox.' || $1)`;

  /** Relays one batch; null when another relay holds this outbox. */
  async function relayBatch(): Promise<number | null> {
    const client = await pool.connect();
    let locked = false;
    try {
      const { rows: lock } = await client.query<{ locked: boolean }>(
        `SELECT pg_try_advisory_lock(${lockKey}) AS locked`,
        [options.schema],
      );
      locked = lock[0]!.locked;
      if (!locked) return null;
      const batchSize = Math.trunc(options.batchSize ?? 200);
      const { rows } = await client.query<OutboxRow>(
        `SELECT id::text, "eventId", type, version, payload FROM ${table}
         WHERE "publishedAt" IS NULL ORDER BY id LIMIT ${batchSize}`,
      );
      if (rows.length === 0) return 0;
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
      await client.query(`UPDATE ${table} SET "publishedAt" = now() WHERE id = ANY($1::bigint[])`, [
        rows.map((row) => row.id),
      ]);
      return rows.length;
    } finally {
      if (locked)
        await client
          .query(`SELECT pg_advisory_unlock(${lockKey})`, [options.schema])
          .then(() => client.release())
          // A connection that cannot unlock is dropped, and its lock with it.
          .catch((error: Error) => client.release(error));
      else client.release();
    }
  }

  /** Relays everything pending; another relay holding the outbox is doing the same. */
  async function drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const moved = await relayBatch();
      if (!moved) return total;
      total += moved;
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
        timer = setTimeout(resolve, options.pollIntervalMs ?? 250);
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
      inProcess.add(poke);
      loop = runLoop();
    },
    async stop() {
      running = false;
      inProcess.delete(poke);
      poke();
      await loop;
      await Promise.all([...queues.values()].map((queue) => queue.close()));
      await pool.end();
    },
  };
}
