import { describe, expect, it } from 'vitest';
import { eventJobOptions } from './jobOptions.ts';

/** Redis runs noeviction: what BullMQ keeps of every event's job must be bounded. */
describe('eventJobOptions', () => {
  it('keeps failed jobs for a while, bounded, never forever', () => {
    expect(eventJobOptions.removeOnFail).toEqual({ age: 7 * 24 * 3600, count: 10_000 });
  });

  it('keeps completed jobs as long as its comment says it does, bounded by count', () => {
    expect(eventJobOptions.removeOnComplete).toEqual({ age: 3600, count: 100_000 });
  });
});
