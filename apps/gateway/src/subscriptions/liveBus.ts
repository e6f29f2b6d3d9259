import type { LiveEvent } from '@switchboard/messaging';
import type { RedisPubSub } from 'graphql-redis-subscriptions';

/**
 * Live events as the gateway receives them: graphql-redis-subscriptions holds one Redis SUBSCRIBE
 * per channel for this process, however many sockets listen, and hands every listener the same
 * parsed event object (which the event resolver uses to share one resolution between them).
 */
export interface LiveBus {
  listen(channel: string, listener: (event: LiveEvent) => void): Promise<() => void>;
}

export function liveBus(pubsub: RedisPubSub): LiveBus {
  return {
    async listen(channel, listener) {
      const id = await pubsub.subscribe(channel, listener);
      return () => pubsub.unsubscribe(id);
    },
  };
}
