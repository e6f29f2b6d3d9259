import { InvalidEventError, parseEvent, type DomainEvent, type EventType } from '@switchboard/core';
import { defaultLog } from '@switchboard/observability';
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import { checkQueuePrefix, isCluster, type RedisClient } from './redis.ts';
import type { EventJobData } from './jobOptions.ts';
import { RetryLaterError } from './retryLaterError.ts';
import type { ConsumerQueue } from './routes.ts';

/** A domain event as a consumer receives it; narrows by `type` like DomainEvent. */
export type ReceivedEvent<T extends EventType = EventType> = DomainEvent<T> & {
  /** Outbox row id in the source: larger means later, for the same source. */
  sequence: bigint;
  /** How many times this job was tried before (0 on the first run). */
  attemptsMade: number;
};

export type EventHandler = (event: ReceivedEvent) => Promise<void>;

export interface ConsumerOptions {
  queue: ConsumerQueue;
  handle: EventHandler;
  redis: RedisClient;
  prefix: string;
  concurrency?: number;
  log?: (message: string, error?: unknown) => void;
}

/**
 * A BullMQ worker for one consumer queue. Each payload is checked against the event catalogue
 * first: one that fails is rejected with UnrecoverableError (no retries), logged, and kept in
 * the failed set where an operator can see and replay it. Handler errors retry with backoff;
 * a RetryLaterError runs the job again after its delay without spending an attempt.
 */
export function createConsumer(options: ConsumerOptions): Worker<EventJobData> {
  const log = options.log ?? defaultLog({ component: 'consumer', queue: options.queue });
  if (isCluster(options.redis)) checkQueuePrefix(options.prefix);
  const worker = new Worker<EventJobData>(
    options.queue,
    async (job: Job<EventJobData>, token?: string) => {
      let event: DomainEvent;
      try {
        event = parseEvent(job.data);
      } catch (error) {
        if (error instanceof InvalidEventError) {
          log(`rejected job ${job.id}: ${error.message}`);
          throw new UnrecoverableError(error.message);
        }
        throw error;
      }
      try {
        await options.handle({
          ...event,
          sequence: BigInt(job.data.sequence),
          attemptsMade: job.attemptsMade,
        });
      } catch (error) {
        if (!(error instanceof RetryLaterError)) throw error;
        // BullMQ's way to run a job again later: it keeps its attempts.
        await job.moveToDelayed(Date.now() + error.delayMs, token);
        throw new DelayedError(error.message);
      }
    },
    {
      connection: options.redis,
      prefix: options.prefix,
      concurrency: options.concurrency ?? 8,
      autorun: false,
      // An idle worker's blocking wait for a job: a new job wakes it at once, so this only says how
      // often an idle worker asks again (BullMQ's default, 5 s, made a dozen queues wake the worker
      // twice a second doing nothing). 10 s is BullMQ's own ceiling for a wait on delayed jobs.
      drainDelay: 10,
    },
  );
  worker.on('failed', (job, error) => {
    if (job && (error instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1))) {
      log(
        `job ${job.id} (${job.name}) failed for good; retry with npm run events -- replay ${options.queue}`,
        error,
      );
    }
  });
  // Into the log, the first of a burst and then one every 10 s: while Redis restarts each of its
  // connections fails on every reconnect attempt (BullMQ writes them to stderr when unheard).
  let erredAt = 0;
  worker.on('error', (error) => {
    if (Date.now() - erredAt < 10_000) return;
    erredAt = Date.now();
    log('worker error', error);
  });
  return worker;
}

/**
 * Applies a projection change only if `sequence` is newer than what `key` has seen, in the
 * caller's transaction: duplicates and stale (reordered) events become no-ops.
 */
export async function advanceProjection(
  tx: { $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number> },
  schema: string,
  key: string,
  sequence: bigint,
): Promise<boolean> {
  const changed = await tx.$executeRawUnsafe(
    `INSERT INTO "${schema}"."ProjectionVersion" (key, version) VALUES ($1, $2)
     ON CONFLICT (key) DO UPDATE SET version = EXCLUDED.version
     WHERE "ProjectionVersion".version < EXCLUDED.version`,
    key,
    sequence,
  );
  return changed === 1;
}

type RawExecutor = { $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number> };

/**
 * The usual shape of a projection change: in one transaction, `apply` runs only if `sequence` is
 * the newest seen for `key` (advanceProjection). Returns whether it ran.
 */
export async function applyIfNewer<Tx extends RawExecutor>(
  db: { $transaction<R>(fn: (tx: Tx) => Promise<R>): Promise<R> },
  schema: string,
  key: string,
  sequence: bigint,
  apply: (tx: Tx) => Promise<unknown>,
): Promise<boolean> {
  return db.$transaction(async (tx) => {
    if (!(await advanceProjection(tx, schema, key, sequence))) return false;
    await apply(tx);
    return true;
  });
}

/**
 * chats' ChatMemberJoined/ChatMemberLeft, applied to a subgraph's own `ChatMembership` projection
 * (presence and media each keep one, of the same shape).
 */
export async function projectChatMembership<Tx extends RawExecutor>(
  db: { $transaction<R>(fn: (tx: Tx) => Promise<R>): Promise<R> },
  schema: string,
  event: ReceivedEvent<'ChatMemberJoined' | 'ChatMemberLeft'>,
): Promise<void> {
  const { chatId, userId } = event.payload;
  await applyIfNewer(db, schema, `member:${chatId}:${userId}`, event.sequence, (tx) =>
    event.type === 'ChatMemberJoined'
      ? tx.$executeRawUnsafe(
          `INSERT INTO "${schema}"."ChatMembership" ("chatId", "userId") VALUES ($1::uuid, $2::uuid) ON CONFLICT DO NOTHING`,
          chatId,
          userId,
        )
      : tx.$executeRawUnsafe(
          `DELETE FROM "${schema}"."ChatMembership" WHERE "chatId" = $1::uuid AND "userId" = $2::uuid`,
          chatId,
          userId,
        ),
  );
}
