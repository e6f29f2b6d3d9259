import { defaultLog } from '@switchboard/observability';
import { RedisPubSub } from 'graphql-redis-subscriptions';
import type { Redis } from 'ioredis';
import { redisConnection } from './redis.ts';

/**
 * Live events (design.md, principle 2): Redis pub/sub, at most once, fast. Losing one never loses
 * data: clients catch up by `seq`. Subgraphs publish them after their transaction commits; the
 * gateway turns them into subscription payloads.
 */
export type LiveEvent =
  | { type: 'messageAdded'; chatId: string; messageId: string; seq: number }
  | { type: 'messageUpdated'; chatId: string; messageId: string }
  | { type: 'receiptUpdated'; chatId: string; userId: string; deliveredSeq: number; readSeq: number }
  /** Published on the chat and on the user, so both kinds of subscriber hear of it. */
  | { type: 'membershipChanged'; chatId: string; userId: string; member: boolean }
  | { type: 'typing'; chatId: string; userId: string; isTyping: boolean }
  | { type: 'presenceChanged'; userId: string };

export const liveChannel = {
  chat: (chatId: string) => `live:chat:${chatId}`,
  user: (userId: string) => `live:user:${userId}`,
  presence: (userId: string) => `live:presence:${userId}`,
};

/** Where an event is published. */
export function channelsOf(event: LiveEvent): string[] {
  switch (event.type) {
    case 'membershipChanged':
      return [liveChannel.chat(event.chatId), liveChannel.user(event.userId)];
    case 'presenceChanged':
      return [liveChannel.presence(event.userId)];
    default:
      return [liveChannel.chat(event.chatId)];
  }
}

export interface LivePublisher {
  publish(event: LiveEvent): Promise<void>;
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
    async publish(event) {
      try {
        await Promise.all(channelsOf(event).map((channel) => pubsub.publish(channel, event)));
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
