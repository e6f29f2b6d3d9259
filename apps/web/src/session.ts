import type { User } from './types.ts';

/** The device this tab signed in as (`SignUpDevice` / `SignInDevice`): its token speaks for it. */
export interface Device {
  id: string;
  name: string;
}

export interface Session {
  token: string;
  user: User;
  device: Device;
}

// Per tab: two tabs of one browser can be two people, which is how one tests a chat by hand. Each
// tab signs in as its own device, so each has its own inbox.
const KEY = 'switchboard.session';

export function loadSession(): Session | null {
  try {
    const stored = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Session | null;
    // A session of before devices has a token the gateway refuses (no device): sign in again.
    return stored?.token && stored.user?.id && stored.device?.id ? stored : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  const session = loadSession();
  sessionStorage.removeItem(KEY);
  if (session) clearInboxCursor(session.device.id);
}

// The newest inbox cursor this device applied, kept in localStorage (a reload, or a tab restored
// with its sessionStorage, resumes from it), under the device's id: one tab's cursor is never
// another device's.
const cursorKey = (deviceId: string) => `switchboard.inbox.${deviceId}`;

export function loadInboxCursor(deviceId: string): string | null {
  try {
    return localStorage.getItem(cursorKey(deviceId)) || null;
  } catch {
    return null;
  }
}

export function saveInboxCursor(deviceId: string, cursor: string): void {
  try {
    localStorage.setItem(cursorKey(deviceId), cursor);
  } catch {
    // Storage full or refused: this page still follows live; a reload resyncs.
  }
}

export function clearInboxCursor(deviceId: string): void {
  try {
    localStorage.removeItem(cursorKey(deviceId));
  } catch {
    // As above.
  }
}
