import { defaultLog } from '@switchboard/observability';
import { RedisPubSub } from 'graphql-redis-subscriptions';
import type { Redis } from 'ioredis';
import { redisConnection } from './redis.ts';

/**
 * Live events (design.md, principle 2): Redis pub/sub, at most once, fast. Losing one never loses
 * data: clients catch up by `seq`. Subgraphs publish them after their transaction commits, on the
 * channels their @live directives name; the gateway turns them into subscription payloads. An
 * event may carry `data`: the committed value of the field it feeds, as its owner would answer
 * it (no viewer-dependent field in it), so the gateway need not ask the owner again.
 */
export type LiveEvent =
  | { type: 'messageAdded'; chatId: string; messageId: string; seq: number; data?: object }
  | { type: 'messageUpdated'; chatId: string; messageId: string; data?: object }
  | {
      type: 'receiptUpdated';
      chatId: string;
      userId: string;
      deliveredSeq: number;
      readSeq: number;
      data?: object;
    }
  | { type: 'typing'; chatId: string; userId: string; isTyping: boolean; data?: object }
  | { type: 'presenceChanged'; userId: string }
  /** A call's signalling for one participant (`calls:<user id>`): only ever the other side's. */
  | {
      type: 'callEvent';
      callId: string;
      to: string;
      kind: 'INCOMING' | 'ANSWERED' | 'ICE_CANDIDATE' | 'ENDED';
      sdp: string | null;
      candidate: string | null;
      data?: object;
    }
  /** The gateway's own protocol: a subscriber gained or lost a channel (`@live(revokedOn:)`). */
  | { type: 'liveAccess'; channel: string; granted: boolean; after?: number }
  /** The gateway's own protocol: an entity's `@cached` fields changed; cached values are dropped. */
  | { type: 'entityChanged'; typename: string; id: string };

/** Channel names as the @live directives write them (`chat:{chatId}`); Redis adds `live:`. */
export const liveChannel = {
  chat: (chatId: string) => `chat:${chatId}`,
  user: (userId: string) => `user:${userId}`,
  presence: (userId: string) => `presence:${userId}`,
  calls: (userId: string) => `calls:${userId}`,
  /** Where owners announce entity changes to the gateways' entity caches. */
  entities: 'entities',
};

/**
 * Tells every gateway that an entity's `@cached` fields changed (after the change committed): its
 * cached values are dropped. The owner's domain event of the change heals a lost one (the worker
 * announces it again).
 */
export const announceEntityChanged = (publisher: LivePublisher, typename: string, id: string) =>
  publisher.publish(liveChannel.entities, { type: 'entityChanged', typename, id });

/** Where live events live in Redis: the gateway listens under the same prefix. */
export const LIVE_CHANNEL_PREFIX = 'live:';

export interface LivePublisher {
  publish(channel: string, event: LiveEvent): Promise<void>;
  close(): Promise<void>;
}

/**
 * Publishing never fails the caller's request: the state is committed already, and a lost live
 * event is caught up by `seq`.
 */
export function createLivePublisher(
  redisUrl: string,
  log: (message: string, error?: unknown) => void = defaultLog({ component: 'live-publisher' }),
): LivePublisher {
  const publisher = redisConnection(redisUrl, { maxRetriesPerRequest: 1 });
  const pubsub = new RedisPubSub({ publisher, subscriber: publisher });
  return {
    async publish(channel, event) {
      try {
        await pubsub.publish(LIVE_CHANNEL_PREFIX + channel, event);
      } catch (error) {
        log(`live event ${event.type} not published`, error);
      }
    },
    async close() {
      publisher.disconnect();
    },
  };
}

/** The gateway side: one Redis SUBSCRIBE per channel, shared by every local listener. */
export function createLiveSubscriber(redisUrl: string): {
  pubsub: RedisPubSub;
  subscriber: Redis;
  close(): Promise<void>;
} {
  const subscriber = redisConnection(redisUrl);
  const publisher = redisConnection(redisUrl);
  const pubsub = new RedisPubSub({ publisher, subscriber });
  return {
    pubsub,
    subscriber,
    async close() {
      subscriber.disconnect();
      publisher.disconnect();
    },
  };
}

/**
 * The live events one request's mutation announces. They wait here until the mutation succeeded
 * (a subgraph's resolvers.ts), so a subscriber never hears of a change that rolled back or failed
 * half-way.
 */
export interface LiveQueue {
  /** Queues an event of the running mutation; call it after the change committed. */
  publishAfterCommit(channel: string, event: LiveEvent): void;
  /** Publishes what was queued, in order (PUBLISHes go out on one connection, in call order). */
  flush(): Promise<void>;
  /** Forgets what was queued (the mutation failed). */
  discard(): void;
}

export function createLiveQueue(publisher: LivePublisher): LiveQueue {
  let pending: [string, LiveEvent][] = [];
  return {
    publishAfterCommit(channel, event) {
      pending.push([channel, event]);
    },
    async flush() {
      const events = pending;
      pending = [];
      await Promise.all(events.map(([channel, event]) => publisher.publish(channel, event)));
    },
    discard() {
      pending = [];
    },
  };
}
