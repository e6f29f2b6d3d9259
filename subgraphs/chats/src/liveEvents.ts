import { liveChannel, type LiveEvent } from '@switchboard/messaging';
import type { Message } from './generated/prisma/client.ts';

export { createLiveQueue, type LiveQueue } from '@switchboard/messaging';

/**
 * A change subscribers of a message see (body, deletion, reactions, status, attachments).
 * `accessVersion`, here and on every event of a chat's channel, is the chat's memberVersion as
 * read in the change's transaction: a gateway that granted access at an older one asks again
 * before delivering it (docs/live-subscriptions.md).
 */
export const messageUpdated = (
  message: { id: string; chatId: string },
  accessVersion: number,
): [string, LiveEvent] => [
  liveChannel.chat(message.chatId),
  { type: 'messageUpdated', chatId: message.chatId, messageId: message.id, accessVersion },
];

/**
 * Tells a user they joined or left a chat (`@live(revokedOn: "user:{viewer}")`): their
 * subscriptions follow the chat from `after` (its last seq when they joined), or let it go.
 */
export const chatAccessChanged = (
  chatId: string,
  userId: string,
  granted: boolean,
  after?: number,
): [string, LiveEvent] => [
  liveChannel.user(userId),
  {
    type: 'liveAccess',
    channel: liveChannel.chat(chatId),
    granted,
    ...(after === undefined ? {} : { after }),
  },
];

const iso = (date: Date | null) => date?.toISOString() ?? null;
const ref = (typename: string, id: string) => ({ __typename: typename, id });

/** What a message is, as this subgraph answers it, minus what needs more reads (status, reactions). */
function committed(message: Message) {
  return {
    __typename: 'Message',
    id: message.id,
    seq: message.seq,
    clientId: message.clientId,
    body: message.body,
    encrypted: message.encrypted,
    createdAt: iso(message.createdAt),
    editedAt: iso(message.editedAt),
    deletedAt: iso(message.deletedAt),
    chat: ref('Chat', message.chatId),
    sender: ref('User', message.senderId),
    attachments: message.attachmentIds.map((id) => ref('Media', id)),
  };
}

/**
 * A new message's event, carrying the message as `messageAdded` answers it (architecture.md, principle
 * 8): the gateway delivers it without asking chats again. New, it has no reactions and is SENT.
 */
export const messageAdded = (
  message: Message,
  replyTo: Message | null,
  accessVersion: number,
): [string, LiveEvent] => [
  liveChannel.chat(message.chatId),
  {
    type: 'messageAdded',
    chatId: message.chatId,
    messageId: message.id,
    seq: message.seq,
    accessVersion,
    data: newMessage(message, replyTo),
  },
];

/** A message just stored, as the `Message` type answers it: SENT, no reactions yet. */
export const newMessage = (message: Message, replyTo: Message | null) => ({
  ...committed(message),
  status: 'SENT',
  reactions: [],
  replyTo: replyTo ? committed(replyTo) : null,
});
