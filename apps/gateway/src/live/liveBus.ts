import { ErrorCode, appError } from '@switchboard/core';
import { LiveUnavailableError, type LiveSubscriber } from '@switchboard/messaging';
import type { LiveEvent } from './liveEvent.ts';

/**
 * Live events as the gateway receives them: one Redis subscription per channel for this process
 * (SUBSCRIBE on a single Redis, SSUBSCRIBE on a Redis Cluster), however many subscribers listen,
 * and every listener gets the same parsed event object (which the payload resolver uses to share
 * one resolution between them). `createLiveSubscriber` (@switchboard/messaging) implements it.
 */
export interface LiveBus {
  listen(channel: string, listener: (event: LiveEvent) => void): Promise<() => void>;
  /** Called after the subscriptions came back (Redis restarted, a master failed over): events may have been lost meanwhile. */
  onReconnect(listener: () => void): void;
}

export function liveBus(subscriber: LiveSubscriber): LiveBus {
  return {
    // Redis down or restarting is a fault like a subgraph down: the subscriber may retry.
    listen: (channel, listener) =>
      subscriber.listen(channel, listener as (event: unknown) => void).catch((error: unknown) => {
        if (!(error instanceof LiveUnavailableError)) throw error;
        throw appError(ErrorCode.SERVICE_UNAVAILABLE, 'Live events are unavailable; retry shortly', {
          retryAfter: 1,
        });
      }),
    onReconnect: (listener) => subscriber.onReconnect(listener),
  };
}
