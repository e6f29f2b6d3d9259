import type { Api, ApiError } from './api.ts';
import { composer } from './composer.ts';
import { h } from './dom.ts';
import { messageView } from './messageView.ts';
import type { Receipts } from './receipts.ts';
import type { Media, Message, MessageChange, MessageStatus, User } from './types.ts';

export interface ChatView {
  chatId: string;
  element: HTMLElement;
  /** A new message of this chat (the inbox's MessageAdded); one already shown is ignored. */
  added(message: Message): void;
  /** A message changed (MessageChanged): body, status, reactions, deletion. */
  changed(message: MessageChange): void;
  /** Another member's delivery and read marks (ReceiptChanged). */
  receipt(userId: string, deliveredSeq: number, readSeq: number): void;
  close(): void;
}

const HISTORY_PAGE = 50;
const RANK: Record<MessageStatus, number> = { SENT: 0, DELIVERED: 1, READ: 2 };
/** How often attachments still being processed are read again (their news is not in the inbox). */
const ATTACHMENT_POLL_MS = [500, 1_000, 1_000, 2_000, 2_000, 5_000];
const ATTACHMENT_POLL_FOR_MS = 120_000;

/**
 * One open chat: its latest history (ChatHistory), then what the page's inbox says of it (new
 * messages, their changes, others' marks: applied once the history is in, so none is lost in
 * between and none shown twice), who is typing (Typing), and read marks.
 */
export function chatView(
  api: Api,
  receipts: Receipts,
  me: User,
  chatId: string,
  title: string,
  /** A direct chat: the other member's marks are this page's ticks. */
  direct: boolean,
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
  /** Until the history is in: the inbox's news of this chat, applied after it. */
  let pending: (() => void)[] | null = [];
  const polling = new Map<string, ReturnType<typeof setTimeout>>();

  const write = composer(api, chatId, add);
  const fail = (error: ApiError) => (problem.textContent = error.message);
  const later = (apply: () => void) => (pending ? pending.push(apply) : apply());

  /** Shows a new message (one already shown is ignored), in seq order whatever the arrival order. */
  function add(message: Message) {
    if (messages.has(message.id) || closed) return;
    const element = messageView(message, message.sender.id === me.id);
    messages.set(message.id, { message, element });
    const next = [...list.children].find(
      (child) => Number((child as HTMLElement).dataset['seq']) > message.seq,
    );
    list.insertBefore(element, next ?? null);
    element.scrollIntoView({ block: 'end' });
    pollAttachments(message.id);
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

  const processing = (message: Message) =>
    message.attachments.some((media) => media.status !== 'READY' && media.status !== 'FAILED');

  /**
   * Attachments still being processed are read again (Media) until they are ready or failed: that
   * news is a live event of its own, not an inbox entry.
   */
  function pollAttachments(messageId: string, attempt = 0, since = Date.now()) {
    const current = messages.get(messageId)?.message;
    if (!current || closed || polling.has(messageId) || !processing(current)) return;
    if (Date.now() - since > ATTACHMENT_POLL_FOR_MS) return;
    const wait = ATTACHMENT_POLL_MS[Math.min(attempt, ATTACHMENT_POLL_MS.length - 1)];
    polling.set(
      messageId,
      setTimeout(() => {
        void refreshAttachments(messageId)
          .catch(() => {})
          .finally(() => {
            polling.delete(messageId);
            pollAttachments(messageId, attempt + 1, since);
          });
      }, wait),
    );
  }

  async function refreshAttachments(messageId: string) {
    const message = messages.get(messageId)?.message;
    if (!message || !processing(message)) return;
    const attachments = await Promise.all(
      message.attachments.map(async (media) =>
        media.status === 'READY' || media.status === 'FAILED'
          ? media
          : (await api.request<{ media: Media }>('Media', { id: media.id })).media,
      ),
    );
    const current = messages.get(messageId)?.message;
    if (current && !current.deletedAt) replace({ ...current, attachments });
  }

  function changed({ chat: _chat, ...change }: MessageChange) {
    const known = messages.get(change.id)?.message;
    if (!known) return;
    replace({ ...known, ...change, attachments: change.deletedAt ? [] : known.attachments });
  }

  /** Another member's marks: the ticks of one's own messages up to them (never back). */
  function receipt(userId: string, deliveredSeq: number, readSeq: number) {
    if (!direct || userId === me.id) return;
    for (const { message } of messages.values()) {
      if (message.sender.id !== me.id) continue;
      const status: MessageStatus =
        message.seq <= readSeq ? 'READ' : message.seq <= deliveredSeq ? 'DELIVERED' : message.status;
      if (RANK[status] > RANK[message.status]) replace({ ...message, status });
    }
  }

  function renderTyping() {
    const names = [...typists.values()];
    typingLine.textContent = names.length
      ? `${names.join(', ')} ${names.length > 1 ? 'are' : 'is'} typing…`
      : '';
  }

  async function load() {
    stops.push(
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
    // What the inbox said while the history was read: news to it, or already part of it.
    for (const apply of pending ?? []) apply();
    pending = null;
    markRead();
  }

  const onVisible = () => markRead();
  document.addEventListener('visibilitychange', onVisible);
  void load().catch((error: ApiError) => {
    fail(error);
    // The inbox's news is shown still, on what there is.
    for (const apply of pending ?? []) apply();
    pending = null;
  });

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
    added: (message) =>
      later(() => {
        add(message);
        markRead();
      }),
    changed: (message) => later(() => changed(message)),
    receipt: (userId, deliveredSeq, readSeq) => later(() => receipt(userId, deliveredSeq, readSeq)),
    close() {
      closed = true;
      document.removeEventListener('visibilitychange', onVisible);
      write.close();
      for (const timer of polling.values()) clearTimeout(timer);
      for (const stop of stops.splice(0)) stop();
    },
  };
}
