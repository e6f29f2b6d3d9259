import type { Api } from './api.ts';
import { h } from './dom.ts';
import type { User } from './types.ts';

/** Starts (or finds) a direct chat with someone by username. */
export function newChatForm(api: Api, onChat: (chatId: string, partner: User) => void): HTMLElement {
  const username = h('input', {
    placeholder: 'username',
    required: true,
    'aria-label': 'Start a chat with (username)',
    'data-testid': 'new-chat-username',
  });
  const error = h('p', { class: 'error', role: 'alert', 'data-testid': 'new-chat-error' });

  async function start() {
    error.textContent = '';
    const name = username.value.trim().toLowerCase();
    try {
      const { userByUsername: user } = await api.request<{ userByUsername: User | null }>('FindUser', {
        username: name,
      });
      if (!user) {
        error.textContent = `Nobody is called ${name}`;
        return;
      }
      const { createDirectChat: chat } = await api.request<{ createDirectChat: { id: string } }>(
        'CreateDirectChat',
        { userId: user.id },
      );
      username.value = '';
      onChat(chat.id, user);
    } catch (failure) {
      error.textContent = (failure as Error).message;
    }
  }

  return h(
    'form',
    {
      class: 'new-chat',
      onsubmit: (event: Event) => {
        event.preventDefault();
        void start();
      },
    },
    username,
    h('button', { type: 'submit', 'data-testid': 'new-chat-start' }, 'Chat'),
    error,
  );
}
