import { describe, expect, it } from 'vitest';
import { OrderedStream } from './orderedStream.ts';
import { LiveRefusal } from './payloadResolver.ts';
import { createReconciler } from './reconciler.ts';
import { appError, ErrorCode } from '@switchboard/core';

/**
 * The ordering logic against a fake subgraph (a store of numbered items per key, answering
 * replays) and a fake live bus (events handed in by the test, in any order, some never).
 */
function fakeSubgraph(pageSize = 3) {
  const store = new Map<string, number[]>();
  let replays = 0;
  let failing = 0;
  /** Lets a test hold replays until it says so (a live event arriving meanwhile). */
  let gate: Promise<void> = Promise.resolve();
  return {
    store,
    get replays() {
      return replays;
    },
    /** The next `count` replays fail, as a subgraph unavailable for a moment. */
    fail(count: number) {
      failing += count;
    },
    hold() {
      let open!: () => void;
      gate = new Promise((resolve) => (open = resolve));
      return open;
    },
    commit(key: string, ...orders: number[]) {
      store.set(key, [...(store.get(key) ?? []), ...orders]);
    },
    async replay(key: string, after: number) {
      replays += 1;
      await gate;
      if (failing > 0) {
        failing -= 1;
        throw new Error('subgraph unavailable');
      }
      return (store.get(key) ?? [])
        .filter((order) => order > after)
        .slice(0, pageSize)
        .map((order) => ({ order, payload: `${key}#${order} (replayed)` }));
    },
    pageSize,
  };
}

/** Resolves once `predicate` holds, checked after each turn of the event loop. */
async function waitUntil(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((resolve) => setImmediate(resolve));
}

function streamOver(subgraph: ReturnType<typeof fakeSubgraph>, resolve = async (event: number) => event) {
  const delivered: string[] = [];
  const failures: unknown[] = [];
  let idle!: () => void;
  const stream = new OrderedStream<number, string>({
    pageSize: subgraph.pageSize,
    retryDelays: [5, 10],
    replay: (key, after) => subgraph.replay(key, after),
    resolve: async (key, order) => {
      const resolved = await resolve(order);
      return resolved < 0 ? null : `${key}#${resolved} (live)`;
    },
    emit: (payload) => {
      delivered.push(payload);
      idle?.();
    },
    fail: (error) => failures.push(error),
  });
  const orders = (key: string) =>
    delivered
      .filter((payload) => payload.startsWith(`${key}#`))
      .map((p) => Number(p.split('#')[1]!.split(' ')[0]));
  const until = async (predicate: () => boolean) => {
    while (!predicate()) await new Promise<void>((resolve) => (idle = resolve));
  };
  return { stream, delivered, failures, orders, until };
}

describe('ordered delivery per key', () => {
  it('replays from a cursor, a page at a time, then goes live with no gap and no duplicate', async () => {
    const subgraph = fakeSubgraph(3);
    subgraph.commit('a', 1, 2, 3, 4, 5, 6, 7);
    const { stream, orders, until } = streamOver(subgraph);
    stream.follow('a', 2);
    // Live events of what the replay also returns, and one after it.
    subgraph.commit('a', 8);
    for (const order of [6, 7, 8]) stream.event('a', order, order);
    await until(() => orders('a').length === 6);
    expect(orders('a')).toEqual([3, 4, 5, 6, 7, 8]);
    expect(subgraph.replays).toBe(3); // 3-5, 6-8, then a short page
  });

  it('asks for the next page of a catch-up before the current one goes out', async () => {
    const subgraph = fakeSubgraph(3);
    subgraph.commit('a', 1, 2, 3, 4, 5, 6, 7);
    const { stream, delivered, orders, until } = streamOver(subgraph);
    /** Replays asked for when each payload went out. */
    const asked: number[] = [];
    const push = delivered.push.bind(delivered);
    delivered.push = (...items) => {
      asked.push(subgraph.replays);
      return push(...items);
    };
    stream.follow('a', 0);
    await until(() => orders('a').length === 7);
    expect(orders('a')).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // 1-3 went out with 4-6 asked for already, 4-6 with 7-, 7 after its short page: no more asked.
    expect(asked).toEqual([2, 2, 2, 3, 3, 3, 3]);
    expect(subgraph.replays).toBe(3);
  });

  it('queues a live event that arrives during the replay behind it', async () => {
    const subgraph = fakeSubgraph(10);
    subgraph.commit('a', 1, 2, 3);
    const open = subgraph.hold();
    const { stream, delivered, until } = streamOver(subgraph);
    stream.follow('a', 0);
    subgraph.commit('a', 4);
    stream.event('a', 4, 4); // arrives while the replay is held
    expect(delivered).toEqual([]);
    open();
    await until(() => delivered.length === 4);
    expect(delivered).toEqual(['a#1 (replayed)', 'a#2 (replayed)', 'a#3 (replayed)', 'a#4 (replayed)']);
  });

  it('delivers events published out of order in order, filling from the store', async () => {
    const subgraph = fakeSubgraph();
    const { stream, orders, until } = streamOver(subgraph);
    stream.follow('a', null);
    subgraph.commit('a', 1);
    stream.event('a', 1, 1); // the first event sets where the key stands
    subgraph.commit('a', 2, 3);
    stream.event('a', 3, 3); // overtook 2
    stream.event('a', 2, 2); // late: delivered already by the replay
    await until(() => orders('a').length === 3);
    expect(orders('a')).toEqual([1, 2, 3]);
  });

  it('from where access said the key stood, delivers an event published late, without replaying first', async () => {
    const subgraph = fakeSubgraph();
    subgraph.commit('a', 1, 2, 3); // history before the subscriber came
    const { stream, orders, until } = streamOver(subgraph);
    stream.follow('a', 3, false);
    expect(subgraph.replays).toBe(0);
    subgraph.commit('a', 4, 5);
    stream.event('a', 5, 5); // 5 published before 4
    stream.event('a', 4, 4);
    await until(() => orders('a').length === 2);
    expect(orders('a')).toEqual([4, 5]);

    // Without a starting point the first event sets it: a late one before it is not owed.
    const other = streamOver(subgraph);
    other.stream.follow('a', null);
    subgraph.commit('a', 6, 7);
    other.stream.event('a', 7, 7);
    other.stream.event('a', 6, 6);
    await other.until(() => other.orders('a').length === 1);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(other.orders('a')).toEqual([7]);
  });

  it('fills a lost event from the store when the next one shows the gap', async () => {
    const subgraph = fakeSubgraph();
    const { stream, delivered, until } = streamOver(subgraph);
    stream.follow('a', null);
    subgraph.commit('a', 1, 2, 3);
    stream.event('a', 1, 1);
    // 2 is lost on the bus.
    stream.event('a', 3, 3);
    await until(() => delivered.length === 3);
    expect(delivered).toEqual(['a#1 (live)', 'a#2 (replayed)', 'a#3 (replayed)']);
  });

  it('keeps keys apart: one key waiting on its replay does not hold another', async () => {
    const subgraph = fakeSubgraph();
    const { stream, orders, until } = streamOver(subgraph);
    subgraph.commit('a', 1, 2);
    subgraph.commit('b', 1);
    stream.follow('a', 0);
    stream.follow('b', null);
    stream.event('b', 1, 1);
    await until(() => orders('a').length === 2 && orders('b').length === 1);
    expect([orders('a'), orders('b')]).toEqual([[1, 2], [1]]);
  });

  it('catches up a dropped event (a transient failure) with the next one', async () => {
    const subgraph = fakeSubgraph();
    // Resolving order 2 fails for good (dropped); the stream goes on.
    const { stream, delivered, until, failures } = streamOver(subgraph, async (order) =>
      order === 2 ? -1 : order,
    );
    stream.follow('a', null);
    subgraph.commit('a', 1, 2, 3);
    stream.event('a', 1, 1);
    stream.event('a', 2, 2);
    stream.event('a', 3, 3);
    await until(() => delivered.length === 3);
    expect(delivered).toEqual(['a#1 (live)', 'a#2 (replayed)', 'a#3 (replayed)']);
    expect(failures).toEqual([]);
  });

  it('retries a replay that failed for a moment by itself, and ends on a refusal (access lost)', async () => {
    const failures: unknown[] = [];
    let calls = 0;
    const stream = new OrderedStream<number, string>({
      pageSize: 3,
      retryDelays: [5],
      replay: async () => {
        calls += 1;
        if (calls === 1) throw new Error('subgraph unavailable');
        throw new LiveRefusal(appError(ErrorCode.NOT_FOUND, 'Board not found'));
      },
      resolve: async (_key, order) => String(order),
      emit: () => {},
      fail: (error) => failures.push(error),
    });
    stream.follow('a', 0); // its replay fails for a moment: nothing ends, it is tried again
    expect(failures).toEqual([]);
    await waitUntil(() => failures.length > 0);
    expect(calls).toBe(2);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toBeInstanceOf(LiveRefusal);
  });

  it('sends nothing past a gap whose replay fails for a moment: it retries, then goes on in order', async () => {
    const subgraph = fakeSubgraph();
    const { stream, orders, until } = streamOver(subgraph);
    stream.follow('a', null);
    subgraph.commit('a', 1, 2, 3, 4, 5);
    stream.event('a', 1, 1);
    // 2 and 3 are lost on the bus, and the replay that fills them fails twice.
    subgraph.fail(2);
    stream.event('a', 4, 4);
    stream.event('a', 5, 5);
    await until(() => orders('a').length >= 3);
    expect(orders('a').slice(0, 3)).toEqual([1, 2, 3]);
    await until(() => orders('a').length === 5);
    expect(orders('a')).toEqual([1, 2, 3, 4, 5]);
  });

  it('closes the first catch-up with caughtUp: where it ended and how many it delivered, before live events', async () => {
    const subgraph = fakeSubgraph(2);
    subgraph.commit('a', 1, 2, 3, 4, 5);
    const delivered: string[] = [];
    let asked!: () => void;
    const caughtUpAsked = new Promise<void>((resolve) => (asked = resolve));
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    const stream = new OrderedStream<number, string>({
      pageSize: subgraph.pageSize,
      replay: (key, after) => subgraph.replay(key, after),
      resolve: async (key, order) => `${key}#${order} (live)`,
      caughtUp: async (key, after, backlog) => {
        if (key === 'a') {
          asked();
          await answered;
        }
        return `${key} caught up at ${after} after ${backlog}`;
      },
      emit: (payload) => delivered.push(payload),
      fail: () => {},
    });
    stream.follow('a', 2);
    stream.follow('b', 0); // nothing stored: caught up at once
    // An event stored and published while caughtUp is being asked goes out after it.
    await caughtUpAsked;
    subgraph.commit('a', 6);
    stream.event('a', 6, 6);
    answer();
    await waitUntil(() => delivered.length === 6);
    expect(delivered.filter((payload) => payload.startsWith('a'))).toEqual([
      'a#3 (replayed)',
      'a#4 (replayed)',
      'a#5 (replayed)',
      'a caught up at 5 after 3',
      'a#6 (live)',
    ]);
    expect(delivered.filter((payload) => payload.startsWith('b'))).toEqual(['b caught up at 0 after 0']);
  });
});

describe('access before delivery', () => {
  /** A stream whose `admit` holds event 3 until the test answers, and lets the others through. */
  function gated() {
    const subgraph = fakeSubgraph();
    const delivered: string[] = [];
    const asked: number[] = [];
    let answer!: (granted: boolean) => void;
    const stream: OrderedStream<number, string> = new OrderedStream<number, string>({
      pageSize: subgraph.pageSize,
      replay: (key, after) => subgraph.replay(key, after),
      resolve: async (key, order) => `${key}#${order} (live)`,
      admit: (key, order) => {
        asked.push(order);
        if (order !== 3) return true;
        return new Promise<boolean>((resolve) => {
          answer = (granted) => {
            if (!granted) stream.forget(key); // as the subscription lets a refused key go
            resolve(granted);
          };
        });
      },
      emit: (payload) => delivered.push(payload),
      fail: (error) => {
        throw error;
      },
    });
    stream.follow('a', 0, false);
    subgraph.commit('a', 1, 2, 3, 4);
    for (const order of [1, 3, 4]) stream.event('a', order, order); // 2 is lost
    return { subgraph, delivered, asked, answer: (granted: boolean) => answer(granted) };
  }

  it('holds an event, its catch-up and what follows until access answers; refused, none goes out', async () => {
    const { subgraph, delivered, asked, answer } = gated();
    await waitUntil(() => asked.includes(3));
    expect(delivered).toEqual(['a#1 (live)']);
    answer(false);
    // The key's queued steps (4) run and find it gone.
    for (let turn = 0; turn < 5; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(asked).toEqual([1, 3]);
    expect(delivered).toEqual(['a#1 (live)']);
    expect(subgraph.replays).toBe(0);
  });

  it('granted, goes on in order from where it was held', async () => {
    const { delivered, asked, answer } = gated();
    await waitUntil(() => asked.includes(3));
    answer(true);
    await waitUntil(() => delivered.length === 4);
    expect(delivered.map((payload) => payload.split(' ')[0])).toEqual(['a#1', 'a#2', 'a#3', 'a#4']);
  });
});

describe('reconcile', () => {
  it('finds a lost last event once its channel has been quiet, and catches the stream up', async () => {
    const subgraph = fakeSubgraph();
    const { stream, delivered, until } = streamOver(subgraph);
    const heads: number[] = [];
    const reconciler = createReconciler({ quietMs: 20 });
    const head = async (after: number) => {
      heads.push(after);
      return (subgraph.store.get('a') ?? []).find((order) => order > after) ?? null;
    };
    const leave = reconciler.watch(
      'board:a',
      head,
      (order) => stream.behind('a', order),
      () => stream.lastOf('a'),
    );
    stream.follow('a', null);
    subgraph.commit('a', 1, 2);
    reconciler.seen('board:a', 1);
    stream.event('a', 1, 1);
    // 2 was stored but its event lost, and nothing follows it.
    await until(() => delivered.length === 2);
    expect(delivered).toEqual(['a#1 (live)', 'a#2 (replayed)']);
    expect(heads).toEqual([1]);
    leave();
    reconciler.stop();
  });

  it('catches up a subscriber whose newest event could not be resolved, from the last it delivered', async () => {
    const subgraph = fakeSubgraph();
    // Resolving order 2, the newest, fails past its retries (dropped); no event follows it.
    const { stream, delivered, until } = streamOver(subgraph, async (order) => (order === 2 ? -1 : order));
    const reconciler = createReconciler({ quietMs: 20 });
    const head = async (after: number) =>
      (subgraph.store.get('a') ?? []).find((order) => order > after) ?? null;
    const leave = reconciler.watch(
      'board:a',
      head,
      (order) => stream.behind('a', order),
      () => stream.lastOf('a'),
    );
    stream.follow('a', null);
    subgraph.commit('a', 1, 2);
    for (const order of [1, 2]) {
      reconciler.seen('board:a', order);
      stream.event('a', order, order);
    }
    await until(() => delivered.length === 2);
    expect(delivered).toEqual(['a#1 (live)', 'a#2 (replayed)']);
    leave();
    reconciler.stop();
  });

  it('asks once per channel however many subscribers follow it', async () => {
    const reconciler = createReconciler({ quietMs: 10 });
    let asked = 0;
    const found: number[] = [];
    const head = async () => {
      asked += 1;
      return 7;
    };
    const leave = [1, 2, 3].map(() =>
      reconciler.watch(
        'board:a',
        head,
        (order) => found.push(order),
        () => 6,
      ),
    );
    reconciler.seen('board:a', 6);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(asked).toBe(1);
    expect(found).toEqual([7, 7, 7]);
    for (const stop of leave) stop();
    reconciler.stop();
  });

  it('waits until the channel has been quiet since its newest event, however often one is reported', async () => {
    const reconciler = createReconciler({ quietMs: 40 });
    const asked: { after: number; at: number }[] = [];
    const started = performance.now();
    const leave = reconciler.watch(
      'board:a',
      async (after) => {
        asked.push({ after, at: performance.now() - started });
        return null;
      },
      () => {},
      () => null,
    );
    // Each event reported by several subscribers, a new one every 15 ms: never quiet for 40 ms
    // until the last (at ~30 ms), so one check, at ~70 ms, from the newest.
    for (const order of [1, 2, 3]) {
      for (let subscriber = 0; subscriber < 3; subscriber += 1) reconciler.seen('board:a', order);
      if (order < 3) await new Promise((resolve) => setTimeout(resolve, 15));
    }
    // An older order reported late changes nothing.
    reconciler.seen('board:a', 2);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(asked.map(({ after }) => after)).toEqual([3]);
    expect(asked[0]!.at).toBeGreaterThanOrEqual(65);
    leave();
    reconciler.stop();
  });
});
