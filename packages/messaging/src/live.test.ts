import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createLivePublisher, createLiveSubscriber, LIVE_CHANNEL_PREFIX, type LiveEvent } from './live.ts';
import { LiveUnavailableError } from './liveUnavailableError.ts';
import { isCluster, redisAddress, redisConnection } from './redis.ts';

/**
 * The live bus against a real Redis: REDIS_URL, or the Redis Cluster of REDIS_CLUSTER_NODES
 * (sharded pub/sub there). What the gateway relies on: one Redis subscription per channel however
 * many listeners, and the same parsed object for all of them.
 */
const address = redisAddress({
  REDIS_URL: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
  REDIS_CLUSTER_NODES: process.env['REDIS_CLUSTER_NODES'],
});
const logged: string[] = [];
const subscriber = createLiveSubscriber(address, (message) => logged.push(message));
const publisher = createLivePublisher(address);
const admin = redisConnection(address);
afterAll(async () => {
  await Promise.all([subscriber.close(), publisher.close()]);
  admin.disconnect();
});

/** How many subscriptions Redis holds for a live channel (on every master of a cluster). */
async function subscriptions(channel: string): Promise<number> {
  const name = LIVE_CHANNEL_PREFIX + channel;
  if (!isCluster(admin)) return Number(((await admin.pubsub('NUMSUB', name)) as [string, number])[1]);
  await admin.ping();
  const counts = await Promise.all(
    admin
      .nodes('master')
      .map(async (node) => Number(((await node.pubsub('SHARDNUMSUB', name)) as [string, number])[1])),
  );
  return counts.reduce((sum, count) => sum + count, 0);
}

const event = (n: number) => ({ type: 'typing', chatId: 'c', userId: 'u', isTyping: true, n }) as LiveEvent;

describe('the live bus', () => {
  it('holds one subscription per channel and hands every listener the same event object', async () => {
    const channel = `chat:${randomUUID()}`;
    const heard: [string, unknown][] = [];
    const [stopA, stopB] = await Promise.all([
      subscriber.listen(channel, (e) => heard.push(['a', e])),
      subscriber.listen(channel, (e) => heard.push(['b', e])),
    ]);
    expect(await subscriptions(channel)).toBe(1);

    await publisher.publish(channel, event(1));
    await expect.poll(() => heard.length).toBe(2);
    expect(heard[0]![1]).toBe(heard[1]![1]);
    expect(heard[0]![1]).toMatchObject({ type: 'typing', n: 1 });

    stopA();
    await publisher.publish(channel, event(2));
    await expect.poll(() => heard.length).toBe(3);
    expect(heard[2]).toEqual(['b', expect.objectContaining({ n: 2 })]);
    expect(await subscriptions(channel)).toBe(1);

    stopB();
    await expect.poll(() => subscriptions(channel)).toBe(0);
  });

  it('keeps delivering to the other listeners when one throws', async () => {
    const channel = `chat:${randomUUID()}`;
    const heard: unknown[] = [];
    const stops = await Promise.all([
      subscriber.listen(channel, () => {
        throw new Error('a broken listener');
      }),
      subscriber.listen(channel, (e) => heard.push(e)),
    ]);
    await publisher.publish(channel, event(3));
    await expect.poll(() => heard.length).toBe(1);
    expect(logged).toContain(`live listener of ${LIVE_CHANNEL_PREFIX}${channel} failed`);
    for (const stop of stops) stop();
  });

  it('follows many channels asked for at once (one SUBSCRIBE on a single Redis), each with its own events', async () => {
    const channels = Array.from({ length: 200 }, () => `chat:${randomUUID()}`);
    const heard = new Map<string, unknown[]>(channels.map((channel) => [channel, []]));
    const stops = await Promise.all(
      channels.map((channel) => subscriber.listen(channel, (e) => heard.get(channel)!.push(e))),
    );
    for (const channel of [channels[0]!, channels[199]!]) expect(await subscriptions(channel)).toBe(1);
    await Promise.all(channels.map((channel, i) => publisher.publish(channel, event(i))));
    await expect.poll(() => [...heard.values()].every((events) => events.length === 1)).toBe(true);
    for (const [i, channel] of channels.entries())
      expect(heard.get(channel)).toEqual([expect.objectContaining({ n: i })]);
    for (const stop of stops) stop();
    await expect.poll(() => subscriptions(channels[100]!)).toBe(0);
  });

  it('refuses a new channel within its deadline while Redis is down, instead of waiting for it', async () => {
    // A port where nothing listens: Redis down.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    const down = createLiveSubscriber(`redis://127.0.0.1:${port}`, () => {}, { listenTimeoutMs: 300 });
    try {
      const started = Date.now();
      await expect(down.listen(`chat:${randomUUID()}`, () => {})).rejects.toBeInstanceOf(
        LiveUnavailableError,
      );
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await down.close();
    }
  });
});
