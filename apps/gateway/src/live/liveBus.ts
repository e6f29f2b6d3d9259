import type { RedisPubSub } from 'graphql-redis-subscriptions';
import type { LiveEvent } from './liveEvent.ts';

/** Channels a subgraph names in its @live directives live under this prefix in Redis. */
export const LIVE_CHANNEL_PREFIX = 'live:';

/**
 * Live events as the gateway receives them: graphql-redis-subscriptions holds one Redis SUBSCRIBE
 * per channel for this process, however many subscribers listen, and hands every listener the
 * same parsed event object (which the payload resolver uses to share one resolution between them).
 */
export interface LiveBus {
  listen(channel: string, listener: (event: LiveEvent) => void): Promise<() => void>;
  /** Called after the connection to Redis came back: events may have been lost meanwhile. */
  onReconnect(listener: () => void): void;
}

export function liveBus(pubsub: RedisPubSub): LiveBus {
  const subscriber = pubsub.getSubscriber();
  return {
    async listen(channel, listener) {
      const id = await pubsub.subscribe(LIVE_CHANNEL_PREFIX + channel, listener as (event: unknown) => void);
      return () => pubsub.unsubscribe(id);
    },
    onReconnect(listener) {
      let connectedBefore = subscriber.status === 'ready';
      subscriber.on('ready', () => {
        if (connectedBefore) listener();
        connectedBefore = true;
      });
    },
  };
}
