import type { Api } from './api.ts';
import { h } from './dom.ts';
import { sendMessage } from './sendMessage.ts';
import type { Message } from './types.ts';
import { typingNotifier } from './typingNotifier.ts';
import { upload } from './upload.ts';

/** Writes to a chat: text, an image (sent at once, with the text as its caption), typing. */
export function composer(api: Api, chatId: string, onSent: (message: Message) => void) {
  const typing = typingNotifier(api, chatId);
  const text = h('input', {
    placeholder: 'Message',
    autocomplete: 'off',
    'aria-label': 'Message',
    'data-testid': 'composer-input',
    oninput: () => (text.value ? typing.typed() : typing.stopped()),
  });
  const file = h('input', {
    type: 'file',
    accept: 'image/*',
    'aria-label': 'Attach an image',
    'data-testid': 'composer-attach',
    onchange: () => {
      const chosen = file.files?.[0];
      file.value = '';
      if (chosen) void send(chosen);
    },
  });
  const error = h('p', { class: 'error', role: 'alert', 'data-testid': 'composer-error' });
  const button = h('button', { type: 'submit', 'data-testid': 'composer-send' }, 'Send');

  async function send(attachment?: File) {
    const body = text.value.trim();
    // Enter while a send is under way would send the same text again, as another message.
    if (button.disabled || (!body && !attachment)) return;
    error.textContent = '';
    button.disabled = true;
    typing.stopped();
    try {
      const attachmentIds = attachment ? [await upload(api, attachment)] : [];
      const message = await sendMessage(api, { chatId, body: body || null, attachmentIds });
      if (text.value.trim() === body) text.value = '';
      onSent(message);
    } catch (failure) {
      error.textContent = (failure as Error).message;
    } finally {
      button.disabled = false;
      text.focus();
    }
  }

  const element = h(
    'form',
    {
      class: 'composer',
      onsubmit: (event: Event) => {
        event.preventDefault();
        void send();
      },
    },
    h('label', { class: 'attach', title: 'Attach an image' }, 'Image', file),
    text,
    button,
    error,
  );
  return { element, close: typing.stopped };
}
