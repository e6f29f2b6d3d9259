import type { Api, ApiError } from './api.ts';
import { clearInboxCursor, loadInboxCursor, saveInboxCursor } from './session.ts';
import type { InboxEvent } from './types.ts';

interface InboxEntry {
  cursor: string;
  event: InboxEvent;
}

export interface InboxHandlers {
  /** An entry's event (not CaughtUp), once per entry and in the inbox's order. */
  onEvent(event: Exclude<InboxEvent, { __typename: 'CaughtUp' }>): void;
  /**
   * The stored part is drained; `fromNow` when the subscription started with no cursor (the first
   * time, or after RESYNC_REQUIRED): whatever came before it must be read (ChatList, history).
   */
  onCaughtUp(fromNow: boolean): void;
  /** The inbox failed for another reason (it tries again by itself). */
  onProblem(error: ApiError): void;
}

/** Acknowledges this long after the last entry... */
const ACK_AFTER_MS = 500;
/** ...or this long after the first one not acknowledged, in a steady stream. */
const ACK_AT_MOST_MS = 3_000;
/** Cursors remembered as applied, so that an entry heard twice is applied once. */
const REMEMBERED = 2_000;
const RETRY_MS = [1_000, 2_000, 5_000, 10_000, 30_000];

/**
 * The device's inbox (docs/devices-and-inbox.md): one `Inbox` subscription for everything this tab
 * is owed, resumed from the newest cursor applied (kept in localStorage per device, so a reload
 * resumes too), acknowledged with `AckInbox` (debounced). When the socket comes back after a drop
 * the subscription is sent again with the newest cursor, not the one it started with, so what was
 * missed meanwhile is replayed, and only that. A cursor the gateway no longer takes
 * (RESYNC_REQUIRED) is dropped: the subscription starts again from now and `onCaughtUp(true)`
 * says to read everything again.
 */
export function followInbox(api: Api, deviceId: string, handlers: InboxHandlers) {
  let cursor = loadInboxCursor(deviceId);
  let acked: string | null = null;
  let ackTimer: ReturnType<typeof setTimeout> | undefined;
  let firstUnacked = 0;
  const applied = new Set<string>();
  let stop: (() => void) | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let closed = false;

  function ack() {
    clearTimeout(ackTimer);
    ackTimer = undefined;
    firstUnacked = 0;
    const target = cursor;
    if (!target || target === acked || closed) return;
    api.request('AckInbox', { cursor: target }).then(
      () => (acked = target),
      // Not acknowledged: the next entry tries again (an ack covers everything before it).
      () => {},
    );
  }

  function scheduleAck() {
    const now = Date.now();
    firstUnacked ||= now;
    clearTimeout(ackTimer);
    ackTimer = setTimeout(ack, Math.max(0, Math.min(ACK_AFTER_MS, firstUnacked + ACK_AT_MOST_MS - now)));
  }

  function remember(entryCursor: string) {
    applied.add(entryCursor);
    if (applied.size > REMEMBERED) applied.delete(applied.values().next().value!);
  }

  function start() {
    clearTimeout(retryTimer);
    stop?.();
    const fromNow = cursor === null;
    let ended = false;
    const end = () => {
      ended = true;
      unsubscribe();
      if (stop === unsubscribe) stop = null;
    };
    const unsubscribe = api.subscribe<{ inbox: InboxEntry }>(
      'Inbox',
      { after: cursor },
      ({ inbox: entry }) => {
        if (ended || closed) return;
        failures = 0;
        const { event } = entry;
        if (event.__typename !== 'CaughtUp') {
          if (applied.has(entry.cursor)) return;
          remember(entry.cursor);
          try {
            handlers.onEvent(event);
          } catch (error) {
            // One entry the page could not show must not stop the ones after it.
            console.error('Inbox entry failed', event.__typename, error);
          }
        }
        // CaughtUp's cursor is where the catch-up ended: a place to resume from as good as any.
        cursor = entry.cursor;
        saveInboxCursor(deviceId, cursor);
        if (event.__typename === 'CaughtUp') handlers.onCaughtUp(fromNow);
        else scheduleAck();
      },
      (error) => {
        if (ended || closed) return;
        end();
        if (error.code === 'UNAUTHENTICATED') return; // the page signs out
        if (error.code === 'RESYNC_REQUIRED') {
          cursor = null;
          clearInboxCursor(deviceId);
          return start();
        }
        handlers.onProblem(error);
        retryTimer = setTimeout(start, RETRY_MS[Math.min(failures++, RETRY_MS.length - 1)]);
      },
    );
    stop = end;
  }

  // Back after a drop: graphql-ws would send the subscription again as it was first sent, from the
  // cursor it started with. Ended here (before it is sent), it starts again from the newest one.
  const unlisten = api.onConnection((_state, resumed) => {
    if (resumed && stop && !closed) start();
  });
  start();

  return {
    close() {
      // What was applied and not yet acknowledged, acknowledged now (signing out ends the device's use).
      if (ackTimer) ack();
      closed = true;
      unlisten();
      clearTimeout(retryTimer);
      stop?.();
    },
  };
}
