/**
 * Finds a lost *last* event. Live events are at most once: when one is lost, the next event of
 * its channel shows the gap and the subscriber catches up; but if the lost one was the last, there
 * is no next. So some time after a channel's last event (and after the live bus reconnects), this
 * gateway asks the owner once per channel whether anything was stored after the newest order it
 * saw, and tells that channel's ordered subscribers to catch up if so. A subscriber that delivered
 * less than that newest order (resolving it failed past its retries) is told to catch up from what
 * it delivered: the newest is stored, there is nothing to ask.
 * After a reconnect every watched channel is checked, at most `maxConcurrentChecks` asking the
 * owners at once (a gateway follows thousands of channels), and a check that fails (the owner
 * restarting too) is retried with backoff before it is given up and logged.
 */
export interface Reconciler {
  /**
   * Registers a subscriber's interest in one ordered channel; `head` answers the first order stored
   * after a given one (null: none), `delivered` the last order the subscriber delivered (null:
   * none yet). Returns the way to leave.
   */
  watch(
    channel: string,
    head: Head,
    onBehind: (order: number) => void,
    delivered: () => number | null,
  ): () => void;
  /** An event numbered `order` arrived on `channel` (re-arms the quiet timer). */
  seen(channel: string, order: number): void;
  /** Checks every watched channel now (the live bus reconnected: events may have been lost). */
  checkAll(): void;
  stop(): void;
}

type Head = (after: number) => Promise<number | null>;

interface Watched {
  head: Head;
  newest: number | null;
  /** When the newest order was first seen (ms, monotonic). */
  newestAt: number;
  timer?: NodeJS.Timeout;
  listeners: Set<Listener>;
}

interface Listener {
  onBehind(order: number): void;
  delivered(): number | null;
}

export function createReconciler(options: {
  /** How long a channel stays quiet before it is checked. */
  quietMs: number;
  /** Head queries in flight at once (default 16); the others wait their turn. */
  maxConcurrentChecks?: number;
  /** Attempts of a failing head query (default 4), `retryDelayMs` (default 500) doubling between. */
  attempts?: number;
  retryDelayMs?: number;
  log?: (message: string, error?: unknown) => void;
}): Reconciler {
  const channels = new Map<string, Watched>();
  const maxConcurrent = options.maxConcurrentChecks ?? 16;
  const attempts = options.attempts ?? 4;
  const retryDelayMs = options.retryDelayMs ?? 500;
  /** Channels whose head is to be asked, in order, each once, with the attempt it is at. */
  const waiting = new Map<Watched, { channel: string; attempt: number }>();
  let inFlight = 0;
  const retries = new Set<NodeJS.Timeout>();

  // One timer per channel, armed when it has none: an event does not clear and set it again (every
  // subscriber of a channel reports each event, a thousand timers per event in a large group); when
  // it fires before the channel has been quiet long enough, it waits out the rest.
  const arm = (channel: string, watched: Watched, ms: number) => {
    watched.timer = setTimeout(() => fire(channel, watched), ms);
    watched.timer.unref();
  };
  const fire = (channel: string, watched: Watched) => {
    const quietFor = performance.now() - watched.newestAt;
    if (quietFor < options.quietMs) return arm(channel, watched, options.quietMs - quietFor);
    check(channel, watched);
  };

  const check = (channel: string, watched: Watched) => {
    clearTimeout(watched.timer);
    watched.timer = undefined;
    if (watched.newest === null || watched.listeners.size === 0) return;
    const after = watched.newest;
    for (const listener of watched.listeners) {
      const delivered = listener.delivered();
      if (delivered !== null && delivered < after) listener.onBehind(after);
    }
    if (!waiting.has(watched)) waiting.set(watched, { channel, attempt: 1 });
    pump();
  };

  const pump = () => {
    while (inFlight < maxConcurrent && waiting.size > 0) {
      const [watched, { channel, attempt }] = waiting.entries().next().value!;
      waiting.delete(watched);
      if (channels.get(channel) !== watched || watched.newest === null) continue;
      const after = watched.newest;
      inFlight += 1;
      watched
        .head(after)
        .then(
          (order) => {
            if (order === null || order <= after) return;
            if (watched.newest === null || order > watched.newest) watched.newest = order;
            for (const listener of watched.listeners) listener.onBehind(order);
          },
          (error) => {
            if (attempt >= attempts) return options.log?.(`live reconcile of ${channel} failed`, error);
            const retry = setTimeout(
              () => {
                retries.delete(retry);
                if (channels.get(channel) !== watched || waiting.has(watched)) return;
                waiting.set(watched, { channel, attempt: attempt + 1 });
                pump();
              },
              retryDelayMs * 2 ** (attempt - 1),
            );
            retry.unref();
            retries.add(retry);
          },
        )
        .finally(() => {
          inFlight -= 1;
          pump();
        });
    }
  };

  return {
    watch(channel, head, onBehind, delivered) {
      let watched = channels.get(channel);
      if (!watched) {
        watched = { head, newest: null, newestAt: 0, listeners: new Set() };
        channels.set(channel, watched);
      }
      const listener = { onBehind, delivered };
      watched.listeners.add(listener);
      const entry = watched;
      return () => {
        entry.listeners.delete(listener);
        if (entry.listeners.size > 0) return;
        clearTimeout(entry.timer);
        channels.delete(channel);
      };
    },
    seen(channel, order) {
      const watched = channels.get(channel);
      // The same event again (another subscriber of the channel): nothing new.
      if (!watched || (watched.newest !== null && order <= watched.newest)) return;
      watched.newest = order;
      watched.newestAt = performance.now();
      if (!watched.timer) arm(channel, watched, options.quietMs);
    },
    checkAll() {
      for (const [channel, watched] of channels) check(channel, watched);
    },
    stop() {
      for (const watched of channels.values()) clearTimeout(watched.timer);
      for (const retry of retries) clearTimeout(retry);
      retries.clear();
      waiting.clear();
      channels.clear();
    },
  };
}
