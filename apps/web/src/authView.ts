import type { Api } from './api.ts';
import { deviceName } from './deviceName.ts';
import { h } from './dom.ts';
import type { Session } from './session.ts';

/**
 * Sign in, or sign up (username, password, display name); hands the session on. Either makes this
 * tab a device of the user (named after the browser), with its own inbox.
 */
export function authView(api: Api, onSignedIn: (session: Session) => void): HTMLElement {
  const username = h('input', {
    name: 'username',
    autocomplete: 'username',
    placeholder: 'username',
    required: true,
    'data-testid': 'auth-username',
  });
  const password = h('input', {
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    placeholder: 'password (8 or more characters)',
    required: true,
    'data-testid': 'auth-password',
  });
  const displayName = h('input', {
    name: 'displayName',
    placeholder: 'display name (to sign up)',
    'data-testid': 'auth-display-name',
  });
  const error = h('p', { class: 'error', role: 'alert', 'data-testid': 'auth-error' });

  async function submit(signUp: boolean) {
    error.textContent = '';
    const credentials = {
      username: username.value.trim(),
      password: password.value,
      deviceName: deviceName(),
    };
    try {
      const session = signUp
        ? (
            await api.request<{ signUp: Session }>('SignUpDevice', {
              input: { ...credentials, displayName: displayName.value.trim() || credentials.username },
            })
          ).signUp
        : (await api.request<{ signIn: Session }>('SignInDevice', { input: credentials })).signIn;
      onSignedIn(session);
    } catch (failure) {
      error.textContent = (failure as Error).message;
    }
  }

  const form = h(
    'form',
    {
      class: 'auth',
      'data-testid': 'auth',
      onsubmit: (event: Event) => {
        event.preventDefault();
        void submit(false);
      },
    },
    h('h1', {}, 'Switchboard'),
    username,
    password,
    displayName,
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', 'data-testid': 'auth-sign-in' }, 'Sign in'),
      h(
        'button',
        {
          type: 'button',
          'data-testid': 'auth-sign-up',
          onclick: () => form.reportValidity() && void submit(true),
        },
        'Sign up',
      ),
    ),
    error,
  );
  return form;
}
