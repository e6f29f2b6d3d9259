import type { Api } from './api.ts';
import { callView } from './callView.ts';
import { chatList } from './chatList.ts';
import { chatView, type ChatView } from './chatView.ts';
import { h } from './dom.ts';
import { newChatForm } from './newChatForm.ts';
import { receipts as createReceipts } from './receipts.ts';
import type { Session } from './session.ts';
import type { Message } from './types.ts';

/**
 * The signed-in page: the chat list (kept live by one MessageAdded over every chat, which also
 * tells senders their messages were delivered here), starting a chat by username, the open chat,
 * and calls (started from a direct chat, or coming in).
 */
export function chatApp(api: Api, session: Session, onSignOut: () => void) {
  const me = session.user;
  let open: ChatView | undefined;
  const problem = h('p', { class: 'error', role: 'alert', 'data-testid': 'app-error' });
  const showProblem = (error: Error) => (problem.textContent = error.message);
  const pane = h(
    'div',
    { class: 'pane' },
    h('p', { class: 'hint' }, 'Open a chat, or start one with a username.'),
  );

  // Before the chat list's subscriptions: an incoming call is heard from the start.
  const calls = callView(api, me);
  const chats = chatList(api, me, openChat);
  const reloadChats = () => chats.reload().catch(showProblem);
  const receipts = createReceipts(api, chats.setUnread);
  function openChat(chatId: string) {
    open?.close();
    const onCall = chats.isDirect(chatId) ? (video: boolean) => calls.start(chatId, video) : undefined;
    open = chatView(api, receipts, me, chatId, chats.titleOf(chatId), onCall);
    pane.replaceChildren(open.element);
    chats.setOpen(chatId);
  }

  const stopFollowing = api.subscribe<{ messageAdded: Message & { chat: { id: string } } }>(
    'MessageAdded',
    {},
    ({ messageAdded: message }) => {
      chats.onMessage(message.chat.id, message);
      if (message.sender.id !== me.id) receipts.delivered(message.chat.id, message.seq);
    },
    showProblem,
  );
  void reloadChats();

  const element = h(
    'div',
    { class: 'app' },
    h(
      'header',
      {},
      h('strong', {}, 'Switchboard'),
      h('span', { 'data-testid': 'me' }, `${me.displayName} (@${me.username})`),
      h('button', { type: 'button', 'data-testid': 'sign-out', onclick: onSignOut }, 'Sign out'),
    ),
    h(
      'aside',
      {},
      newChatForm(api, (chatId, partner) => {
        chats.learnName(chatId, partner);
        void reloadChats().then(() => openChat(chatId));
      }),
      problem,
      chats.element,
    ),
    h('div', { class: 'main' }, calls.element, pane),
  );
  return {
    element,
    /** Live messages may have been missed meanwhile (the open chat catches up by itself, by seq). */
    reconnected: () => void reloadChats(),
    close() {
      open?.close();
      calls.close();
      stopFollowing();
    },
  };
}
