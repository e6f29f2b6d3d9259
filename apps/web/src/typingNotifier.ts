import type { Api } from './api.ts';

/** How often typing is renewed while it goes on; presence lets it expire by itself after a while. */
const RENEW_MS = 2_000;
/** Quiet this long: no longer typing. */
const IDLE_MS = 4_000;

/** Tells a chat when the user types (SetTyping), at most every RENEW_MS, and when they stop. */
export function typingNotifier(api: Api, chatId: string) {
  let lastSent = 0;
  let idle: ReturnType<typeof setTimeout> | undefined;
  const set = (isTyping: boolean) =>
    // Best effort: a missed indicator is harmless, and a new chat may not be known to presence yet.
    api.request('SetTyping', { chatId, isTyping }).then(
      () => true,
      () => false,
    );

  const stopped = () => {
    clearTimeout(idle);
    if (lastSent === 0) return;
    lastSent = 0;
    void set(false);
  };

  return {
    typed() {
      clearTimeout(idle);
      idle = setTimeout(stopped, IDLE_MS);
      if (Date.now() - lastSent < RENEW_MS) return;
      lastSent = Date.now();
      void set(true).then((ok) => {
        if (!ok) lastSent = 0;
      });
    },
    stopped,
  };
}
