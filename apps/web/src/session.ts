import type { User } from './types.ts';

export interface Session {
  token: string;
  user: User;
}

// Per tab: two tabs of one browser can be two people, which is how one tests a chat by hand.
const KEY = 'switchboard.session';

export function loadSession(): Session | null {
  try {
    const stored = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Session | null;
    return stored?.token && stored.user?.id ? stored : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}
