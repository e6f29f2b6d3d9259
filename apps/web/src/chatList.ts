import type { Api } from './api.ts';
import { h } from './dom.ts';
import type { ChatSummary, Message, MessageChange, User } from './types.ts';

export interface ChatList {
  element: HTMLElement;
  /** Reads ChatList again; what the inbox says meanwhile is applied again on top of it. */
  reload(): Promise<void>;
  /**
   * A message of any chat: moves its chat up, counts it unread unless that chat is open or it is
   * one's own. A message heard again (its seq is not past the chat's last one) changes nothing.
   */
  onMessage(chatId: string, message: Message): void;
  /** A message changed: the preview follows its last message's edit or deletion. */
  onChanged(message: MessageChange): void;
  /** The user joined a chat (created it, was added): it is listed at once. */
  onJoined(chat: { id: string; title: string | null }): void;
  /** The user left a chat (or was removed, or blocked out of it): it is no longer listed. */
  onLeft(chatId: string): void;
  /** The user read a chat up to `readSeq` on another device. */
  onReadElsewhere(chatId: string, readSeq: number): void;
  setOpen(chatId: string | null): void;
  setUnread(chatId: string, unreadCount: number): void;
  /** A direct chat has no title: it shows the other member's name, once known. */
  learnName(chatId: string, user: Pick<User, 'id' | 'displayName'>): void;
  titleOf(chatId: string): string;
  has(chatId: string): boolean;
  /** A direct chat (it has no title): its two members may call each other. */
  isDirect(chatId: string): boolean;
}

const preview = (message: ChatSummary['lastMessage']) =>
  message ? `${message.sender.displayName}: ${message.body ?? 'Attachment'}` : 'No messages yet';

/** The chats the user is in (ChatList), most recent first, kept current by the inbox. */
export function chatList(api: Api, me: User, onOpen: (chatId: string) => void): ChatList {
  const element = h('ul', { class: 'chat-list', 'data-testid': 'chat-list' });
  let chats: ChatSummary[] = [];
  const names = new Map<string, string>();
  let openId: string | null = null;
  /** While ChatList is read: what the inbox said meanwhile, applied again once it is in. */
  let replay: (() => void)[] | null = null;

  const learnName: ChatList['learnName'] = (chatId, user) => {
    if (user.id !== me.id) names.set(chatId, user.displayName);
  };
  const find = (chatId: string) => chats.find((chat) => chat.id === chatId);
  const titleOf = (chatId: string) => find(chatId)?.title ?? names.get(chatId) ?? 'Direct chat';

  function render() {
    element.replaceChildren(
      ...chats.map((chat) =>
        h(
          'li',
          {},
          h(
            'button',
            {
              class: chat.id === openId ? 'chat open' : 'chat',
              'data-testid': 'chat-item',
              'data-chat-id': chat.id,
              onclick: () => onOpen(chat.id),
            },
            h('span', { class: 'title', 'data-testid': 'chat-item-title' }, titleOf(chat.id)),
            h('span', { class: 'preview', 'data-testid': 'chat-item-preview' }, preview(chat.lastMessage)),
            chat.unreadCount > 0 &&
              h('span', { class: 'badge', 'data-testid': 'unread-count' }, String(chat.unreadCount)),
          ),
        ),
      ),
    );
  }

  /** Applies an inbox change now, and again after a ChatList read under way (which may predate it). */
  function apply(change: () => void) {
    replay?.push(change);
    change();
    render();
  }

  let reading: Promise<void> | null = null;
  async function read() {
    replay = [];
    try {
      const { chats: page } = await api.request<{ chats: { edges: { node: ChatSummary }[] } }>('ChatList', {
        first: 100,
      });
      chats = page.edges.map((edge) => edge.node);
      for (const chat of chats) if (chat.lastMessage) learnName(chat.id, chat.lastMessage.sender);
      for (const change of replay) change();
    } finally {
      replay = null;
      render();
    }
  }
  // One read at a time; a reload asked for during one reads again after it.
  let again: Promise<void> | null = null;
  function reload(): Promise<void> {
    if (!reading) {
      reading = read().finally(() => (reading = null));
      return reading;
    }
    again ??= reading
      .catch(() => {})
      .then(() => {
        again = null;
        return reload();
      });
    return again;
  }

  function message(chatId: string, message: Message) {
    learnName(chatId, message.sender);
    const chat = find(chatId);
    // Not listed (ChatJoined not heard, or read before it): ChatList says what it is.
    if (!chat) return void reload().catch((error) => console.error('ChatList failed', error));
    if (chat.lastMessage && message.seq <= chat.lastMessage.seq) return;
    chat.lastMessage = message;
    if (message.sender.id !== me.id && chatId !== openId) chat.unreadCount += 1;
    chats = [chat, ...chats.filter((other) => other !== chat)];
  }

  return {
    element,
    titleOf,
    has: (chatId) => Boolean(find(chatId)),
    isDirect: (chatId) => find(chatId)?.title === null,
    learnName,
    reload,
    onMessage: (chatId, added) => apply(() => message(chatId, added)),
    onChanged: (changed) =>
      apply(() => {
        const last = find(changed.chat.id)?.lastMessage;
        if (last?.id === changed.id)
          last.body = changed.deletedAt ? 'This message was deleted' : changed.body;
      }),
    onJoined: (joined) =>
      apply(() => {
        if (find(joined.id)) return;
        chats = [{ id: joined.id, title: joined.title, unreadCount: 0, lastMessage: null }, ...chats];
      }),
    onLeft: (chatId) => apply(() => (chats = chats.filter((chat) => chat.id !== chatId))),
    onReadElsewhere: (chatId, readSeq) =>
      apply(() => {
        const chat = find(chatId);
        if (chat && (chat.lastMessage?.seq ?? 0) <= readSeq) chat.unreadCount = 0;
      }),
    setOpen(chatId) {
      openId = chatId;
      render();
    },
    setUnread(chatId, unreadCount) {
      const chat = find(chatId);
      if (chat) chat.unreadCount = unreadCount;
      render();
    },
  };
}
