import type { Api, ConnectionState } from './api.ts';
import { callView } from './callView.ts';
import { chatList } from './chatList.ts';
import { chatView, type ChatView } from './chatView.ts';
import { h } from './dom.ts';
import { followInbox } from './inbox.ts';
import { newChatForm } from './newChatForm.ts';
import { receipts as createReceipts } from './receipts.ts';
import type { Session } from './session.ts';
import type { InboxEvent } from './types.ts';

const CONNECTION_LABEL: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  online: '',
  offline: 'Offline: reconnecting…',
};

/**
 * The signed-in page: the chat list, starting a chat by username, the open chat, and calls
 * (started from a direct chat, or coming in). One inbox subscription (the tab is a device) keeps
 * the list and the open chat current, and tells senders their messages were delivered here.
 */
export function chatApp(api: Api, session: Session, onSignOut: () => void) {
  const me = session.user;
  let open: ChatView | undefined;
  const problem = h('p', { class: 'error', role: 'alert', 'data-testid': 'app-error' });
  const showProblem = (error: Error) => (problem.textContent = error.message);
  const hint = (text: string) => h('p', { class: 'hint' }, text);
  const pane = h('div', { class: 'pane' }, hint('Open a chat, or start one with a username.'));
  const connection = h('span', { class: 'connection', 'data-testid': 'connection', role: 'status' });

  // Before the inbox: an incoming call is heard from the start (calls stay on CallEvents).
  const calls = callView(api, me);
  const chats = chatList(api, me, openChat);
  const reloadChats = () => chats.reload().catch(showProblem);
  const receipts = createReceipts(api, chats.setUnread);
  function openChat(chatId: string) {
    open?.close();
    const direct = chats.isDirect(chatId);
    const onCall = direct ? (video: boolean) => calls.start(chatId, video) : undefined;
    open = chatView(api, receipts, me, chatId, chats.titleOf(chatId), direct, onCall);
    pane.replaceChildren(open.element);
    chats.setOpen(chatId);
  }
  const openHere = (chatId: string) => (open?.chatId === chatId ? open : undefined);

  function onEvent(event: Exclude<InboxEvent, { __typename: 'CaughtUp' }>) {
    switch (event.__typename) {
      case 'MessageAdded': {
        const { message } = event;
        chats.onMessage(message.chat.id, message);
        openHere(message.chat.id)?.added(message);
        if (message.sender.id !== me.id) receipts.delivered(message.chat.id, message.seq);
        return;
      }
      case 'MessageChanged':
        chats.onChanged(event.message);
        openHere(event.message.chat.id)?.changed(event.message);
        return;
      case 'ReceiptChanged':
        if (event.user.id === me.id) chats.onReadElsewhere(event.chat.id, event.readSeq);
        else openHere(event.chat.id)?.receipt(event.user.id, event.deliveredSeq, event.readSeq);
        return;
      case 'ChatJoined':
        chats.onJoined(event.chat);
        return;
      case 'ChatLeft':
        chats.onLeft(event.chatId);
        if (openHere(event.chatId)) {
          open!.close();
          open = undefined;
          chats.setOpen(null);
          pane.replaceChildren(hint('You are no longer in that chat.'));
        }
        return;
      case 'CallSignal':
        return;
    }
  }

  const inbox = followInbox(api, session.device.id, {
    onEvent,
    onCaughtUp(fromNow) {
      problem.textContent = '';
      if (!fromNow) return;
      // Followed from now on (first sign-in, or the cursor was refused): read what came before.
      void reloadChats();
      if (open) openChat(open.chatId);
    },
    onProblem: showProblem,
  });
  void reloadChats();

  const unlisten = api.onConnection((state) => {
    connection.dataset['state'] = state;
    connection.textContent = CONNECTION_LABEL[state];
  });

  const element = h(
    'div',
    { class: 'app' },
    h(
      'header',
      {},
      h('strong', {}, 'Switchboard'),
      connection,
      h('span', { 'data-testid': 'me' }, `${me.displayName} (@${me.username})`),
      h('button', { type: 'button', 'data-testid': 'sign-out', onclick: onSignOut }, 'Sign out'),
    ),
    h(
      'aside',
      {},
      newChatForm(api, (chatId, partner) => {
        chats.learnName(chatId, partner);
        if (chats.has(chatId)) return openChat(chatId);
        void reloadChats().then(() => openChat(chatId));
      }),
      problem,
      chats.element,
    ),
    h('div', { class: 'main' }, calls.element, pane),
  );
  return {
    element,
    close() {
      unlisten();
      inbox.close();
      open?.close();
      calls.close();
    },
  };
}
