/**
 * Redis did not confirm a live subscription in time (down, or restarting): the caller is told at
 * once rather than kept waiting for Redis with no deadline, and may try again.
 */
export class LiveUnavailableError extends Error {
  constructor(channel: string, timeoutMs: number) {
    super(`Redis did not confirm the subscription to ${channel} within ${timeoutMs} ms`);
    this.name = 'LiveUnavailableError';
  }
}
