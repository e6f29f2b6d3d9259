import { LiveRefusal } from './payloadResolver.ts';

/** A stored payload with its place in its channel's order. */
export interface Ordered<P> {
  order: number;
  payload: P;
}

export interface OrderedStreamOptions<E, P> {
  /** One page of stored payloads after `after`, oldest first (as the subscriber). */
  replay(key: string, after: number): Promise<Ordered<P>[]>;
  pageSize: number;
  /** The payload of a live event, or null when it could not be had (it is caught up later). */
  resolve(key: string, event: E): Promise<P | null>;
  emit(payload: P): void;
  /** Ends the subscription (a refusal while replaying). */
  fail(error: unknown): void;
  /** A replay that failed for another reason: it is tried again on the next event or reconcile. */
  log?(message: string, error?: unknown): void;
}

interface KeyState {
  /** The order of the last payload delivered; null until the first one (nothing owed before it). */
  last: number | null;
  tail: Promise<void>;
  gone: boolean;
}

/**
 * Gap-free, duplicate-free delivery per key (design.md, principle 3). Events of one key are handled
 * one at a time, in arrival order. A live event is delivered only when it is the next order of its
 * key; one that skips ahead (an event lost, or overtaken) first gets what is missing from the
 * store, a page per execution, and one already delivered (by a replay) is dropped. A key followed
 * with a cursor replays everything after it before any live event.
 */
export class OrderedStream<E, P> {
  private readonly keys = new Map<string, KeyState>();

  constructor(private readonly options: OrderedStreamOptions<E, P>) {}

  /**
   * Starts following a key from `after`: what is stored after it is owed. With `replay` (a client's
   * cursor) it is replayed at once; without (where the key stood when access was granted) it is
   * fetched only when an event shows a gap, so an event published late is still delivered. Null:
   * from the first event that arrives (an earlier one arriving after it is then not owed).
   */
  follow(key: string, after: number | null, replay = true): void {
    if (this.keys.has(key)) return;
    this.keys.set(key, { last: after, tail: Promise.resolve(), gone: false });
    if (after !== null && replay) this.enqueue(key, (state) => this.catchUp(key, state));
  }

  forget(key: string): void {
    const state = this.keys.get(key);
    if (state) state.gone = true;
    this.keys.delete(key);
  }

  /** A live event of `key` numbered `order`. */
  event(key: string, order: number, event: E): void {
    this.enqueue(key, async (state) => {
      if (state.last !== null && order <= state.last) return; // replayed already
      if (state.last !== null && order > state.last + 1) await this.catchUp(key, state);
      if (state.last !== null && order <= state.last) return;
      const payload = await this.options.resolve(key, event);
      if (state.gone) return;
      // Dropped: it stays owed, so the next event (or a reconcile) replays it.
      if (payload === null) {
        if (state.last === null) state.last = order - 1;
        return;
      }
      this.options.emit(payload);
      state.last = order;
    });
  }

  /** Something numbered `order` exists for `key` (a reconcile found it): catch up to it. */
  behind(key: string, order: number): void {
    this.enqueue(key, async (state) => {
      if (state.last !== null && order > state.last) await this.catchUp(key, state);
    });
  }

  /** The last order delivered per key (for a reconcile's cursor). */
  lastOf(key: string): number | null {
    return this.keys.get(key)?.last ?? null;
  }

  private enqueue(key: string, step: (state: KeyState) => Promise<void>): void {
    const state = this.keys.get(key);
    if (!state) return;
    state.tail = state.tail
      .then(() => (state.gone ? undefined : step(state)))
      .catch((error) => this.options.fail(error));
  }

  /** Delivers everything stored after `state.last`, a page at a time. */
  private async catchUp(key: string, state: KeyState): Promise<void> {
    for (;;) {
      if (state.last === null || state.gone) return;
      let page: Ordered<P>[];
      try {
        page = await this.options.replay(key, state.last);
      } catch (error) {
        if (error instanceof LiveRefusal) throw error;
        this.options.log?.('live replay failed; retried on the next event', error);
        return;
      }
      for (const item of page) {
        if (state.gone) return;
        if (item.order <= state.last) continue;
        this.options.emit(item.payload);
        state.last = item.order;
      }
      if (page.length < this.options.pageSize) return;
    }
  }
}
