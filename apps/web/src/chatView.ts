import type { Api, ApiError } from './api.ts';
import { composer } from './composer.ts';
import { h } from './dom.ts';
import { messageView } from './messageView.ts';
import type { Receipts } from './receipts.ts';
import type { Media, Message, MessageUpdate, User } from './types.ts';

export interface ChatView {
  chatId: string;
  element: HTMLElement;
  close(): void;
}

const HISTORY_PAGE = 50;

/**
 * One open chat: its latest history (ChatHistory), then every message after it live
 * (MessageAdded from the last seq shown, so none is missed in between), their updates
 * (MessageUpdated: status, edits, processed attachments), who is typing, and read marks.
 */
export function chatView(
  api: Api,
  receipts: Receipts,
  me: User,
  chatId: string,
  title: string,
  /** Calls the other member (direct chats only). */
  onCall?: (video: boolean) => void,
): ChatView {
  const list = h('ol', { class: 'messages', 'data-testid': 'messages' });
  const typingLine = h('p', { class: 'typing', 'data-testid': 'typing-indicator' });
  const problem = h('p', { class: 'error', role: 'alert', 'data-testid': 'chat-error' });
  const messages = new Map<string, { message: Message; element: HTMLElement }>();
  const typists = new Map<string, string>();
  const stops: (() => void)[] = [];
  /** The highest seq shown of a message from someone else: what reading the chat marks read. */
  let latestFromOthers = 0;
  let closed = false;

  const write = composer(api, chatId, add);
  const fail = (error: ApiError) => (problem.textContent = error.message);

  /** Shows a new message (one already shown is ignored), in seq order whatever the arrival order. */
  function add(message: Message) {
    if (messages.has(message.id)) return;
    const element = messageView(message, message.sender.id === me.id);
    messages.set(message.id, { message, element });
    const next = [...list.children].find(
      (child) => Number((child as HTMLElement).dataset['seq']) > message.seq,
    );
    list.insertBefore(element, next ?? null);
    element.scrollIntoView({ block: 'end' });
    if (message.sender.id === me.id) return;
    latestFromOthers = Math.max(latestFromOthers, message.seq);
    if (typists.delete(message.sender.id)) renderTyping();
  }

  /** Shows a message again, changed. */
  function replace(message: Message) {
    const known = messages.get(message.id);
    if (!known) return;
    const element = messageView(message, message.sender.id === me.id);
    known.element.replaceWith(element);
    messages.set(message.id, { message, element });
  }

  /** Marks read what this page shows from others, while the page is visible. */
  function markRead() {
    if (!closed && latestFromOthers > 0 && document.visibilityState === 'visible')
      receipts.read(chatId, latestFromOthers);
  }

  /** An attachment's news comes as MessageUpdated: read what is not ready yet again. */
  async function refreshAttachments(message: Message) {
    if (message.attachments.every((media) => media.status === 'READY' || media.status === 'FAILED')) return;
    const attachments = await Promise.all(
      message.attachments.map(async (media) =>
        media.status === 'READY'
          ? media
          : (await api.request<{ media: Media }>('Media', { id: media.id })).media,
      ),
    );
    const current = messages.get(message.id)?.message;
    if (current) replace({ ...current, attachments });
  }

  function renderTyping() {
    const names = [...typists.values()];
    typingLine.textContent = names.length
      ? `${names.join(', ')} ${names.length > 1 ? 'are' : 'is'} typing…`
      : '';
  }

  async function load() {
    // Updates first: one that comes while history loads is then already part of it or heard.
    stops.push(
      api.subscribe<{ messageUpdated: MessageUpdate }>(
        'MessageUpdated',
        { chatId },
        ({ messageUpdated: { chat: _chat, ...update } }) => {
          const known = messages.get(update.id)?.message;
          if (!known) return;
          replace({ ...known, ...update });
          void refreshAttachments({ ...known, ...update }).catch(fail);
        },
        fail,
      ),
      api.subscribe<{ typing: { isTyping: boolean; user: { id: string; displayName: string } } }>(
        'Typing',
        { chatId },
        ({ typing }) => {
          if (typing.user.id === me.id) return;
          if (typing.isTyping) typists.set(typing.user.id, typing.user.displayName);
          else typists.delete(typing.user.id);
          renderTyping();
        },
        fail,
      ),
    );
    const { chat } = await api.request<{ chat: { messages: { edges: { node: Message }[] } } }>(
      'ChatHistory',
      { chatId, last: HISTORY_PAGE },
    );
    if (closed) return;
    for (const { node } of chat.messages.edges) add(node);
    markRead();
    const afterSeq = Math.max(0, ...chat.messages.edges.map(({ node }) => node.seq));
    stops.push(
      api.subscribe<{ messageAdded: Message }>(
        'MessageAdded',
        { chatId, afterSeq },
        ({ messageAdded }) => {
          add(messageAdded);
          markRead();
        },
        fail,
      ),
    );
  }

  const onVisible = () => markRead();
  document.addEventListener('visibilitychange', onVisible);
  void load().catch(fail);

  return {
    chatId,
    element: h(
      'section',
      { class: 'chat', 'data-testid': 'chat', 'data-chat-id': chatId },
      h(
        'div',
        { class: 'chat-header' },
        h('h2', { 'data-testid': 'chat-title' }, title),
        onCall &&
          h('button', { type: 'button', 'data-testid': 'call-voice', onclick: () => onCall(false) }, 'Call'),
        onCall &&
          h(
            'button',
            { type: 'button', 'data-testid': 'call-video', onclick: () => onCall(true) },
            'Video call',
          ),
      ),
      problem,
      list,
      typingLine,
      write.element,
    ),
    close() {
      closed = true;
      document.removeEventListener('visibilitychange', onVisible);
      write.close();
      for (const stop of stops.splice(0)) stop();
    },
  };
}
