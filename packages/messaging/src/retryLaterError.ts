/**
 * Thrown by a handler that cannot go on yet but has not failed (another attempt holds what it
 * needs): the job runs again after `delayMs` without spending one of its retry attempts.
 */
export class RetryLaterError extends Error {
  override name = 'RetryLaterError';
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
  }
}
