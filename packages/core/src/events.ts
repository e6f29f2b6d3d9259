import { z } from 'zod';

/**
 * The catalogue of domain events (architecture.md, principle 2): one typed list shared by producers
 * and consumers. A producer writes an event to its own outbox in the transaction of the change;
 * the relay moves it to BullMQ; consumers validate the payload against the same schema.
 * A payload change that is not backwards compatible gets a new version. `producer` is the only
 * subgraph that writes the event (to its own outbox).
 */
const uuid = z.string().uuid();
/**
 * A membership change's chat, member, and the chat's memberVersion after it (presence projects it
 * to version its typing events; events written before had none).
 */
const membership = z.object({
  chatId: uuid,
  userId: uuid,
  memberVersion: z.number().int().min(0).optional(),
});

export const eventCatalogue = {
  /** users: `blockerId` blocked `blockedId`. chats projects it to refuse direct messages. */
  UserBlocked: { producer: 'users', version: 1, payload: z.object({ blockerId: uuid, blockedId: uuid }) },
  UserUnblocked: { producer: 'users', version: 1, payload: z.object({ blockerId: uuid, blockedId: uuid }) },
  /** chats: someone joined a chat (created it, was added). presence and media project membership. */
  ChatMemberJoined: { producer: 'chats', version: 1, payload: membership },
  /**
   * chats: a direct chat was created between two users (its members never change: a direct chat
   * cannot be left). calls projects it: only the two members of a direct chat may call each other.
   */
  DirectChatCreated: {
    producer: 'chats',
    version: 1,
    payload: z.object({ chatId: uuid, userIds: z.tuple([uuid, uuid]) }),
  },
  /** chats: someone left or was removed. */
  ChatMemberLeft: { producer: 'chats', version: 1, payload: membership },
  /**
   * chats: a message was stored. Drives push notifications to members with no live connection.
   * Never the body: events are kept in the outbox (until OUTBOX_RETENTION_HOURS) and in queues,
   * where a deleted message's text must not live on, and no consumer needs it. (Events written
   * before had a `body`; parsing drops it.)
   */
  MessageSent: {
    producer: 'chats',
    version: 1,
    payload: z.object({
      messageId: uuid,
      chatId: uuid,
      seq: z.number().int().positive(),
      senderId: uuid,
      recipientIds: z.array(uuid),
      encrypted: z.boolean(),
      attachmentIds: z.array(uuid),
      chatTitle: z.string().nullable(),
    }),
  },
  /** media: an upload was reserved. chats projects it to accept only the owner's media as attachments. */
  MediaCreated: { producer: 'media', version: 1, payload: z.object({ mediaId: uuid, ownerId: uuid }) },
  /** media: an upload completed; the worker reads the file. */
  MediaUploaded: { producer: 'media', version: 1, payload: z.object({ mediaId: uuid }) },
  /** media: processing finished (READY or FAILED). chats tells subscribers of messages that carry it. */
  MediaProcessed: {
    producer: 'media',
    version: 1,
    payload: z.object({ mediaId: uuid, status: z.enum(['READY', 'FAILED']) }),
  },
  /** users: a user's displayName or about changed (the gateways' entity caches drop the user). */
  UserProfileChanged: { producer: 'users', version: 1, payload: z.object({ userId: uuid }) },
  /** users: a user's lastSeenVisibility changed. presence hides lastSeenAt in presence events. */
  LastSeenVisibilityChanged: {
    producer: 'users',
    version: 1,
    payload: z.object({ userId: uuid, visibility: z.enum(['EVERYONE', 'NOBODY']) }),
  },
  /** users: a user's avatar changed. media lets every signed-in user read the new one. */
  UserAvatarChanged: {
    producer: 'users',
    version: 1,
    payload: z.object({ userId: uuid, mediaId: uuid.nullable() }),
  },
  /**
   * calls: a call started ringing. users pushes it to a callee with no live connection (until
   * `ringsUntil`, never with the SDP, which no event carries); calls' own timeout job ends it as
   * MISSED at `ringsUntil` if nobody answered.
   */
  CallStarted: {
    producer: 'calls',
    version: 1,
    payload: z.object({
      callId: uuid,
      chatId: uuid,
      callerId: uuid,
      calleeId: uuid,
      video: z.boolean(),
      ringsUntil: z.iso.datetime(),
    }),
  },
  /**
   * calls: a call was answered. calls' own job watches it while it is ACTIVE and ends it as FAILED
   * once neither side has had a live connection for `unattendedSeconds` (presence's Online).
   */
  CallAnswered: {
    producer: 'calls',
    version: 1,
    payload: z.object({
      callId: uuid,
      callerId: uuid,
      calleeId: uuid,
      unattendedSeconds: z.number().int().positive(),
    }),
  },
} as const;

export type EventType = keyof typeof eventCatalogue;
export type EventPayload<T extends EventType> = z.infer<(typeof eventCatalogue)[T]['payload']>;

interface EventOf<T extends EventType> {
  eventId: string;
  type: T;
  version: number;
  payload: EventPayload<T>;
  /** The subgraph whose outbox it came from. */
  source: string;
}

/**
 * An event of the catalogue: a union over its types, so `switch (event.type)` (or an `if`) narrows
 * `event.payload` to that type's payload, with no cast at the consumer.
 */
export type DomainEvent<T extends EventType = EventType> = { [K in T]: EventOf<K> }[T];

/** What a producer's transaction needs: any Prisma client (or transaction) with an outbox. */
export interface OutboxWriter {
  outboxEvent: {
    create(args: {
      data: { type: string; version: number; payload: object };
      select: { id: true };
    }): Promise<{ id: bigint }>;
  };
}

/**
 * Writes an event to the producer's outbox; call it inside the transaction of the change. Returns
 * its outbox sequence: what consumers version their projections by (a synchronous call that
 * applies the same change carries it too, see users' blocks).
 */
export async function recordEvent<T extends EventType>(
  tx: OutboxWriter,
  type: T,
  payload: EventPayload<T>,
): Promise<bigint> {
  const entry = eventCatalogue[type];
  const { id } = await tx.outboxEvent.create({
    data: { type, version: entry.version, payload: entry.payload.parse(payload) },
    select: { id: true },
  });
  return id;
}

export class InvalidEventError extends Error {
  override name = 'InvalidEventError';
}

/** Validates an event read from a queue against the catalogue; throws InvalidEventError. */
export function parseEvent(raw: {
  type: string;
  version: number;
  payload: unknown;
  eventId: string;
  source: string;
}): DomainEvent {
  if (!(raw.type in eventCatalogue)) throw new InvalidEventError(`Unknown event type ${raw.type}`);
  const entry = eventCatalogue[raw.type as EventType];
  if (raw.version !== entry.version)
    throw new InvalidEventError(`Unsupported version ${raw.version} of ${raw.type}`);
  const result = entry.payload.safeParse(raw.payload);
  if (!result.success) throw new InvalidEventError(`Invalid ${raw.type} payload: ${result.error.message}`);
  // The payload was just checked against the schema of `type`, which TypeScript cannot follow.
  return {
    eventId: raw.eventId,
    type: raw.type,
    version: raw.version,
    payload: result.data,
    source: raw.source,
  } as DomainEvent;
}
