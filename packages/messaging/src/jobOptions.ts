import type { JobsOptions } from 'bullmq';

/**
 * Retries with exponential backoff (8 attempts over about a minute). Redis runs `noeviction`
 * (README, "Operations"), so whatever is kept must be bounded:
 * - a completed job is kept an hour, at most 100,000 per queue (at 300 messages/s the push
 *   queue reaches that in about 5 minutes): a re-relayed event (same jobId) within that is
 *   recognised and not added again. The relay re-adds an event only when it died between adding
 *   the job and marking the row published, and retries within seconds; past that window a repeat
 *   runs again and changes nothing, since every handler is idempotent (versions, claims).
 * - a failed job is kept a week, at most 10,000 per queue, for an operator to inspect and retry
 *   (`npm run events -- replay <queue>`; the worker's `queue_jobs{state="failed"}` counts them).
 */
export const eventJobOptions: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { age: 3600, count: 100_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
};

/** The shape of an event on a queue: the outbox row plus where it came from. */
export interface EventJobData {
  eventId: string;
  type: string;
  version: number;
  payload: unknown;
  source: string;
  /** The outbox row id: grows with each change in the source, so consumers can drop stale events. */
  sequence: string;
}
