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
  /**
   * Whether the subscriber may still have a live event of `key`, asked before anything of it
   * (its catch-up, its payload) goes out; false: the key was let go or the subscription ended.
   */
  admit?(key: string, event: E): boolean | Promise<boolean>;
  /**
   * The payload that closes a key's first catch-up (from where it was followed), sent before any
   * live event after it: `after` is where the catch-up ended, `backlog` how many stored payloads it
   * delivered. Null: none.
   */
  caughtUp?(key: string, after: number, backlog: number): Promise<P | null>;
  emit(payload: P): void;
  /** Ends the subscription (a refusal while replaying). */
  fail(error: unknown): void;
  /** A replay that failed for another reason: it is tried again, after `retryDelays`. */
  log?(message: string, error?: unknown): void;
  /** Milliseconds between tries of a replay that failed for a moment (the last one repeats). */
  retryDelays?: readonly number[];
}

export const RETRY_DELAYS = [100, 250, 500, 1_000, 2_000, 5_000];

interface KeyState {
  /** The order of the last payload delivered; null until the first one (nothing owed before it). */
  last: number | null;
  tail: Promise<void>;
  gone: boolean;
}

/**
 * Gap-free, duplicate-free delivery per key (architecture.md, principle 3). Events of one key are handled
 * one at a time, in arrival order. A live event is delivered only when it is the next order of its
 * key; one that skips ahead (an event lost, or overtaken) first gets what is missing from the
 * store, a page per execution, and one already delivered (by a replay) is dropped. A key followed
 * with a cursor replays everything after it before any live event. A replay that fails for a
 * moment is tried again, with backoff, before anything after it goes out.
 */
export class OrderedStream<E, P> {
  private readonly keys = new Map<string, KeyState>();

  constructor(private readonly options: OrderedStreamOptions<E, P>) {}

  /**
   * Starts following a key from `after`: what is stored after it is owed. With `replay` (a client's
   * cursor, or where access said one resumes) it is replayed at once, then closed with `caughtUp`;
   * without (where the key stood when access was granted) it is fetched only when an event shows a
   * gap, so an event published late is still delivered. Null: from the first event that arrives
   * (an earlier one arriving after it is then not owed).
   */
  follow(key: string, after: number | null, replay = true): void {
    if (this.keys.has(key)) return;
    this.keys.set(key, { last: after, tail: Promise.resolve(), gone: false });
    if (after !== null && replay)
      this.enqueue(key, async (state) => {
        const backlog = await this.catchUp(key, state);
        if (!this.options.caughtUp || state.gone) return;
        const payload = await this.retrying(state, () => this.options.caughtUp!(key, state.last!, backlog));
        if (payload != null && !state.gone) this.options.emit(payload);
      });
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
      if (this.options.admit && !(await this.options.admit(key, event))) return;
      if (state.gone) return;
      if (state.last !== null && order > state.last + 1) await this.catchUp(key, state);
      // Delivered by the catch-up, or no longer followed: a failed catch-up is retried, never
      // skipped, so nothing goes out past a gap.
      if (state.gone || (state.last !== null && order <= state.last)) return;
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

  /** Delivers everything stored after `state.last`, a page at a time; answers how many. */
  private async catchUp(key: string, state: KeyState): Promise<number> {
    let delivered = 0;
    /** The page after the one going out, asked for before it goes out: where it starts, and it. */
    let next: { after: number; page: Promise<Ordered<P>[] | undefined> } | undefined;
    for (;;) {
      const after = state.last;
      if (after === null) return delivered;
      const page = await (next?.after === after
        ? next.page
        : this.retrying(state, () => this.options.replay(key, after)));
      next = undefined;
      if (page === undefined) return delivered;
      // A full page: the next one is asked for now, so the owner reads it while this one is shaped
      // and sent (a device back after thousands of entries waits on one round trip per page).
      const last = page.at(-1)?.order;
      if (page.length >= this.options.pageSize && last !== undefined && last > after) {
        next = { after: last, page: this.retrying(state, () => this.options.replay(key, last)) };
        // Its failure surfaces where it is awaited; not awaited (the key let go), it is nobody's.
        next.page.catch(() => {});
      }
      for (const item of page) {
        if (state.gone) return delivered;
        if (item.order <= state.last!) continue;
        this.options.emit(item.payload);
        state.last = item.order;
        delivered += 1;
      }
      if (page.length < this.options.pageSize) return delivered;
    }
  }

  /**
   * Runs a replay (or caught-up) query until it answers, waiting longer after each failure (up to
   * the last of `retryDelays`); undefined when the key is no longer followed. The key's later
   * events wait behind it, so none goes out past what it owes. A refusal ends the subscription.
   */
  private async retrying<T>(state: KeyState, run: () => Promise<T>): Promise<T | undefined> {
    const delays = this.options.retryDelays ?? RETRY_DELAYS;
    for (let failures = 0; !state.gone; failures += 1) {
      try {
        return await run();
      } catch (error) {
        if (error instanceof LiveRefusal) throw error;
        this.options.log?.('live replay failed; trying again', error);
        const wait = delays[Math.min(failures, delays.length - 1)] ?? 0;
        await new Promise((resolve) => setTimeout(resolve, wait).unref());
      }
    }
    return undefined;
  }
}
