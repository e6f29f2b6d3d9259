/**
 * The buffer between live events and one subscriber's socket. It is bounded: a subscriber that
 * cannot keep up overflows it, and the caller decides what then (close the socket: the client
 * catches up by `afterSeq` when it reconnects), rather than the gateway buffering without bound.
 */
export class PushQueue<T> {
  private readonly items: T[] = [];
  private wake: (() => void) | undefined;
  private failure: { error: unknown } | undefined;
  private ended = false;

  constructor(
    private readonly limit: number,
    private readonly onOverflow: () => void,
  ) {}

  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    if (this.ended || this.failure) return;
    if (this.items.length >= this.limit) {
      this.fail(new Error('subscriber too slow'));
      this.onOverflow();
      return;
    }
    this.items.push(item);
    this.notify();
  }

  fail(error: unknown): void {
    if (this.ended || this.failure) return;
    this.failure = { error };
    this.notify();
  }

  end(): void {
    this.ended = true;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  async *drain(): AsyncGenerator<T, void, undefined> {
    for (;;) {
      if (this.items.length > 0) {
        yield this.items.shift()!;
        continue;
      }
      if (this.failure) throw this.failure.error;
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}
