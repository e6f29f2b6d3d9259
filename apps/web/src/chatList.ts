import type { Api } from './api.ts';
import { h } from './dom.ts';
import type { ChatSummary, Message, User } from './types.ts';

export interface ChatList {
  element: HTMLElement;
  reload(): Promise<void>;
  /** A message of any chat, live: moves its chat up, counts it unread unless that chat is open. */
  onMessage(chatId: string, message: Message): void;
  setOpen(chatId: string | null): void;
  setUnread(chatId: string, unreadCount: number): void;
  /** A direct chat has no title: it shows the other member's name, once known. */
  learnName(chatId: string, user: Pick<User, 'id' | 'displayName'>): void;
  titleOf(chatId: string): string;
  /** A direct chat (it has no title): its two members may call each other. */
  isDirect(chatId: string): boolean;
}

const preview = (message: ChatSummary['lastMessage']) =>
  message ? `${message.sender.displayName}: ${message.body ?? 'Attachment'}` : 'No messages yet';

/** The chats the user is in (ChatList), most recent first, kept current by live messages. */
export function chatList(api: Api, me: User, onOpen: (chatId: string) => void): ChatList {
  const element = h('ul', { class: 'chat-list', 'data-testid': 'chat-list' });
  let chats: ChatSummary[] = [];
  const names = new Map<string, string>();
  let openId: string | null = null;

  const learnName: ChatList['learnName'] = (chatId, user) => {
    if (user.id !== me.id) names.set(chatId, user.displayName);
  };
  const titleOf = (chatId: string) =>
    chats.find((chat) => chat.id === chatId)?.title ?? names.get(chatId) ?? 'Direct chat';

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

  async function reload() {
    const { chats: page } = await api.request<{ chats: { edges: { node: ChatSummary }[] } }>('ChatList', {
      first: 100,
    });
    chats = page.edges.map((edge) => edge.node);
    for (const chat of chats) if (chat.lastMessage) learnName(chat.id, chat.lastMessage.sender);
    render();
  }

  return {
    element,
    titleOf,
    isDirect: (chatId) => chats.find((chat) => chat.id === chatId)?.title === null,
    learnName,
    reload,
    onMessage(chatId, message) {
      learnName(chatId, message.sender);
      const chat = chats.find((candidate) => candidate.id === chatId);
      // A chat joined since the list was loaded: the list learns of it with its first message.
      if (!chat) return void reload().catch((error) => console.error('ChatList failed', error));
      if (!chat.lastMessage || message.seq > chat.lastMessage.seq) chat.lastMessage = message;
      if (message.sender.id !== me.id && chatId !== openId) chat.unreadCount += 1;
      chats = [chat, ...chats.filter((other) => other !== chat)];
      render();
    },
    setOpen(chatId) {
      openId = chatId;
      render();
    },
    setUnread(chatId, unreadCount) {
      const chat = chats.find((candidate) => candidate.id === chatId);
      if (chat) chat.unreadCount = unreadCount;
      render();
    },
  };
}
