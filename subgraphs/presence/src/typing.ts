import { liveChannel, type LivePublisher, type RedisClient } from '@switchboard/messaging';
import { presenceKeyPrefix } from './presenceStore.ts';

/**
 * Someone started or stopped typing in a chat; it carries the `typing` payload as presence answers
 * it, and the chat's membership version as presence knew it when they set it (`accessVersion`:
 * a gateway that granted access at an older one asks `_typingAccess` again before delivering it).
 */
const typingEvent = (chatId: string, userId: string, isTyping: boolean, accessVersion: number) =>
  [
    liveChannel.chat(chatId),
    {
      type: 'typing',
      chatId,
      userId,
      isTyping,
      accessVersion,
      data: { __typename: 'TypingEvent', chatId, isTyping, user: { __typename: 'User', id: userId } },
    },
  ] as const;

export interface TypingTimers {
  /** `accessVersion`: the chat's membership version with the membership that allowed it. */
  set(chatId: string, userId: string, isTyping: boolean, accessVersion: number): Promise<void>;
  stop(): void;
}

/**
 * Typing is ephemeral: a Redis key with a TTL says someone is typing. The process that last
 * renewed it publishes `isTyping: false` when it runs out, unless someone renewed it since
 * (on this or another presence process). Clients should also time the indicator out themselves:
 * if this process dies, nobody announces the end.
 */
export function createTypingTimers(
  redis: RedisClient,
  live: LivePublisher,
  ttlMs: number,
  prefix: string = presenceKeyPrefix(),
): TypingTimers {
  const typingKey = (chatId: string, userId: string) => `${prefix}typing:${chatId}:${userId}`;
  const timers = new Map<string, NodeJS.Timeout>();
  return {
    async set(chatId, userId, isTyping, accessVersion) {
      const key = typingKey(chatId, userId);
      clearTimeout(timers.get(key));
      timers.delete(key);
      if (!isTyping) {
        const existed = await redis.del(key);
        if (existed) await live.publish(...typingEvent(chatId, userId, false, accessVersion));
        return;
      }
      const expiresAt = Date.now() + ttlMs;
      const previous = await redis.set(key, String(expiresAt), 'PX', ttlMs, 'GET');
      // Announce the start once; renewals only push the expiry out.
      if (previous === null) await live.publish(...typingEvent(chatId, userId, true, accessVersion));
      timers.set(
        key,
        setTimeout(() => {
          timers.delete(key);
          void redis.get(key).then(async (value) => {
            if (value !== null && Number(value) > Date.now()) return; // renewed elsewhere
            await redis.del(key);
            await live.publish(...typingEvent(chatId, userId, false, accessVersion));
          });
        }, ttlMs + 50),
      );
    },
    stop() {
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}
