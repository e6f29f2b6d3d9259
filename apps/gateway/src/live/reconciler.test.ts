import { describe, expect, it } from 'vitest';
import { createReconciler } from './reconciler.ts';

/** After the live bus reconnects: every watched channel is checked, boundedly, and retried. */
describe('reconciler', () => {
  it('asks at most maxConcurrentChecks heads at once when every channel is checked', async () => {
    const reconciler = createReconciler({ quietMs: 60_000, maxConcurrentChecks: 4 });
    let inFlight = 0;
    let most = 0;
    let asked = 0;
    const head = async () => {
      asked += 1;
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      return null;
    };
    for (let i = 0; i < 100; i++) {
      reconciler.watch(
        `chat:${i}`,
        head,
        () => {},
        () => 1,
      );
      reconciler.seen(`chat:${i}`, 1);
    }
    reconciler.checkAll();
    await expect.poll(() => asked, { timeout: 5_000 }).toBe(100);
    expect(most).toBe(4);
    reconciler.stop();
  });

  it('retries a head query that fails, then tells the subscribers to catch up', async () => {
    const logged: string[] = [];
    const reconciler = createReconciler({
      quietMs: 60_000,
      retryDelayMs: 10,
      log: (message) => logged.push(message),
    });
    let calls = 0;
    const head = async () => {
      calls += 1;
      if (calls < 3) throw new Error('chats is restarting');
      return 7;
    };
    const behind: number[] = [];
    reconciler.watch(
      'chat:a',
      head,
      (order) => behind.push(order),
      () => 5,
    );
    reconciler.seen('chat:a', 5);
    reconciler.checkAll();
    await expect.poll(() => behind, { timeout: 5_000 }).toEqual([7]);
    expect(calls).toBe(3);
    expect(logged).toEqual([]);
    reconciler.stop();
  });

  it('gives up after its attempts and says so', async () => {
    const logged: string[] = [];
    const reconciler = createReconciler({
      quietMs: 60_000,
      attempts: 2,
      retryDelayMs: 10,
      log: (message) => logged.push(message),
    });
    let calls = 0;
    reconciler.watch(
      'chat:b',
      async () => {
        calls += 1;
        throw new Error('down');
      },
      () => {},
      () => 1,
    );
    reconciler.seen('chat:b', 1);
    reconciler.checkAll();
    await expect.poll(() => logged, { timeout: 5_000 }).toEqual(['live reconcile of chat:b failed']);
    expect(calls).toBe(2);
    reconciler.stop();
  });
});
