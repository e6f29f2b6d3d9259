import type { EventType } from '@switchboard/core';

/**
 * Who consumes which domain event. The relay copies each event into the queue of every consumer
 * that wants it (one BullMQ queue per consumer), so a slow or failing consumer never holds up
 * another, and each retries on its own.
 */
export const consumers = {
  /** chats' projections: blocks (from users) and attachable media (from media). */
  'chats-projections': ['UserBlocked', 'UserUnblocked', 'MediaCreated', 'MediaProcessed'],
  /** presence's projection of chat membership, for typing and presence authorization. */
  'presence-projections': ['ChatMemberJoined', 'ChatMemberLeft', 'LastSeenVisibilityChanged'],
  /** media's projections: chat membership and attachment grants, for who may read media. */
  'media-projections': ['ChatMemberJoined', 'ChatMemberLeft', 'MessageSent', 'UserAvatarChanged'],
  /** users' projection of media ownership, so an avatar can only be one's own upload. */
  'users-projections': ['MediaCreated'],
  /** media processing: dimensions and thumbnails after an upload. */
  'media-processing': ['MediaUploaded'],
  /** The gateways' entity caches: users' profile changes (a live event the owner sent may be lost). */
  'users-entity-changes': ['UserProfileChanged', 'UserAvatarChanged', 'LastSeenVisibilityChanged'],
  /** The gateways' entity caches: media's status changes. */
  'media-entity-changes': ['MediaUploaded', 'MediaProcessed'],
  /** Web Push to members with no live connection, and to a callee (users owns push subscriptions). */
  'push-notifications': ['MessageSent', 'CallStarted'],
  /** calls' projections: direct chats (from chats) and blocks (from users), for who may call whom. */
  'calls-projections': ['DirectChatCreated', 'UserBlocked', 'UserUnblocked'],
  /**
   * calls' timeouts: a delayed job per call ends it as MISSED if still ringing at its deadline, and
   * one per answered call ends it as FAILED once neither side has been connected for a while.
   */
  'calls-timeouts': ['CallStarted', 'CallAnswered'],
} as const satisfies Record<string, readonly EventType[]>;

export type ConsumerQueue = keyof typeof consumers;

export const consumerQueues = Object.keys(consumers) as ConsumerQueue[];

/**
 * Events of a listed type that a consumer would do nothing with, so they cost it no job: media's
 * projections only grant what a message attaches (most messages attach nothing).
 */
const skips: Partial<Record<ConsumerQueue, (type: string, payload: unknown) => boolean>> = {
  'media-projections': (type, payload) =>
    type === 'MessageSent' && ((payload as { attachmentIds?: unknown[] }).attachmentIds?.length ?? 0) === 0,
};

/** The queues an event goes to (with its payload: some consumers skip some events of a type). */
export function queuesFor(type: string, payload?: unknown): ConsumerQueue[] {
  return consumerQueues.filter(
    (queue) =>
      (consumers[queue] as readonly string[]).includes(type) &&
      !(payload !== undefined && skips[queue]?.(type, payload)),
  );
}
