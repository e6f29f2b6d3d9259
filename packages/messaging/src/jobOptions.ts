import type { JobsOptions } from 'bullmq';

/**
 * Retries with exponential backoff; completed jobs are kept a day so a re-relayed event (same
 * jobId) is recognised and not run twice; failed jobs are kept for an operator to inspect and
 * retry (`npm run events -- replay <queue>`).
 */
export const eventJobOptions: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { age: 24 * 3600, count: 100_000 },
  removeOnFail: false,
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
