import type { Api } from './api.ts';

type Mark = 'MarkDelivered' | 'MarkRead';

export interface Receipts {
  /** This page received a chat's messages up to `seq`. */
  delivered(chatId: string, seq: number): void;
  /** This page showed a chat's messages up to `seq`. */
  read(chatId: string, seq: number): void;
}

/**
 * Delivery and read marks as the page sees messages, with at most one request in flight per chat
 * and mark, carrying the highest seq seen by then. Marks only move forward, so the ones skipped in
 * between lose nothing, and a busy chat stays within the gateway's mutation rate limit.
 */
export function receipts(api: Api, onRead: (chatId: string, unreadCount: number) => void): Receipts {
  const marks = new Map<string, { wanted: number; sent: number; busy: boolean }>();
  const stateOf = (mark: Mark, chatId: string) => {
    const key = `${mark} ${chatId}`;
    let state = marks.get(key);
    if (!state) marks.set(key, (state = { wanted: 0, sent: 0, busy: false }));
    return state;
  };

  async function move(mark: Mark, chatId: string, seq: number) {
    const state = stateOf(mark, chatId);
    state.wanted = Math.max(state.wanted, seq);
    if (state.busy) return;
    state.busy = true;
    try {
      while (state.wanted > state.sent) {
        const target = state.wanted;
        const data = await api.request<{ markRead?: { unreadCount: number } }>(mark, { chatId, seq: target });
        state.sent = target;
        if (data.markRead) onRead(chatId, data.markRead.unreadCount);
      }
    } catch {
      // Not marked: the next message, or the page becoming visible, tries again.
    } finally {
      state.busy = false;
    }
  }

  return {
    delivered(chatId, seq) {
      // Read implies delivered.
      if (stateOf('MarkRead', chatId).wanted < seq) void move('MarkDelivered', chatId, seq);
    },
    read: (chatId, seq) => void move('MarkRead', chatId, seq),
  };
}
