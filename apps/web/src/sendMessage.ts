import { ApiError, type Api } from './api.ts';
import type { Message } from './types.ts';

export interface OutgoingMessage {
  chatId: string;
  body: string | null;
  attachmentIds?: string[];
}

const RETRY_FOR_MS = 15_000;

function newClientId(): string {
  // crypto.randomUUID needs a secure context; the dev server may be opened over plain HTTP.
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Whether another try may succeed: the network failed (the message may or may not be stored), or
 * chats has not heard of a fresh upload yet (it learns of media from media's events, a moment later).
 */
const worthRetrying = (error: unknown) =>
  !(error instanceof ApiError) || (error.code === 'BAD_USER_INPUT' && error.field === 'attachmentIds');

/**
 * Sends a message, retrying with the same clientId: the server stores it at most once, so a retry
 * after a lost response returns the stored message instead of sending a second one.
 */
export async function sendMessage(api: Api, message: OutgoingMessage): Promise<Message> {
  const input = { ...message, clientId: newClientId() };
  const deadline = Date.now() + RETRY_FOR_MS;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return (await api.request<{ sendMessage: Message }>('SendMessage', { input })).sendMessage;
    } catch (error) {
      if (!worthRetrying(error) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** attempt, 2000)));
    }
  }
}
