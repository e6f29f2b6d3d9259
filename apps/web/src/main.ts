import './style.css';
import { createApi } from './api.ts';
import { authView } from './authView.ts';
import { chatApp } from './chatApp.ts';
import { clearSession, loadSession, saveSession, type Session } from './session.ts';

const root = document.querySelector<HTMLElement>('#app')!;

function signedOut() {
  root.replaceChildren(
    authView(createApi(), (session) => {
      saveSession(session);
      signedIn(session);
    }),
  );
}

function signedIn(session: Session) {
  // A refused token (expired) signs out, once.
  let signingOut = false;
  const signOut = () => {
    if (signingOut) return;
    signingOut = true;
    app.close();
    api.close();
    clearSession();
    signedOut();
  };
  const api = createApi(session.token, { onUnauthenticated: signOut });
  const app = chatApp(api, session, signOut);
  root.replaceChildren(app.element);
}

const session = loadSession();
if (session) signedIn(session);
else signedOut();
