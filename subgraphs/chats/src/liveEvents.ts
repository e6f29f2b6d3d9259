import type { LiveEvent, LivePublisher } from '@switchboard/messaging';

/**
 * The live events one request's mutation announces. They wait here until the mutation succeeded
 * (resolvers.ts), so a subscriber never hears of a change that rolled back or failed half-way.
 */
export interface LiveQueue {
  /** Queues an event of the running mutation; call it after the change committed. */
  publishAfterCommit(event: LiveEvent): void;
  /** Publishes what was queued, in order (PUBLISHes go out on one connection, in call order). */
  flush(): Promise<void>;
  /** Forgets what was queued (the mutation failed). */
  discard(): void;
}

export function createLiveQueue(publisher: LivePublisher): LiveQueue {
  let pending: LiveEvent[] = [];
  return {
    publishAfterCommit(event) {
      pending.push(event);
    },
    async flush() {
      const events = pending;
      pending = [];
      await Promise.all(events.map((event) => publisher.publish(event)));
    },
    discard() {
      pending = [];
    },
  };
}

/** A change subscribers of a message see (body, deletion, reactions, status, attachments). */
export const messageUpdated = (message: { id: string; chatId: string }): LiveEvent => ({
  type: 'messageUpdated',
  chatId: message.chatId,
  messageId: message.id,
});
