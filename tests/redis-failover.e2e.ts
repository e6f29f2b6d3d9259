import { randomBytes, randomUUID } from 'node:crypto';
import { recordEvent } from '@switchboard/core';
import { pgAdapter } from '@switchboard/db';
import { createLivePublisher, createLiveSubscriber, keySlot, liveChannel } from '@switchboard/messaging';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisCluster, type LocalRedisCluster } from '../scripts/redis-cluster.ts';
import { PrismaClient as ChatsDb } from '../subgraphs/chats/src/generated/prisma/client.ts';
import { PrismaClient as UsersDb } from '../subgraphs/users/src/generated/prisma/client.ts';
import { Client, signUp } from './support/client.ts';
import { noCluster } from './support/redis.ts';
import { startStack, type Stack } from './support/stack.ts';
import { subscribe, wsClient } from './support/subscriptions.ts';
import { waitFor } from './support/wait.ts';

/**
 * A Redis Cluster master dies (SIGKILL) and its replica is promoted, as in production. A cluster of
 * this file's own (killing a master of the shared one would disturb every other test file), short
 * node timeouts so the failover takes seconds. Nothing acknowledged may be lost: messages sent
 * before, during and after reach a subscriber in order, domain events committed meanwhile are all
 * handled, and live subscriptions resume.
 */
if (noCluster) console.warn(`tests/redis-failover.e2e.ts skipped: ${noCluster}.`);

describe.skipIf(noCluster)('a Redis Cluster master failing over', () => {
  let cluster: LocalRedisCluster;
  let stack: Stack;
  let anonymous: Client;
  let usersDb: UsersDb;
  let chatsDb: ChatsDb;
  const closers: (() => unknown)[] = [];

  beforeAll(async () => {
    cluster = await startRedisCluster({ fromPort: 21_000 + (process.pid % 60) * 100, nodeTimeoutMs: 1_500 });
    stack = await startStack({ redisUrl: `redis-cluster://${cluster.nodes}` });
    anonymous = new Client(stack.gateway.url);
    usersDb = new UsersDb({ adapter: pgAdapter(stack.config.databaseUrl, 2) });
    chatsDb = new ChatsDb({ adapter: pgAdapter(stack.config.databaseUrl, 2) });
  }, 120_000);
  afterAll(async () => {
    for (const close of closers) await close();
    await Promise.all([usersDb?.$disconnect(), chatsDb?.$disconnect()]);
    await stack?.stop();
    await cluster?.stop();
  });

  it('loses nothing acknowledged, and subscriptions resume on the promoted replica', async () => {
    const [alice, bob] = await Promise.all([signUp(anonymous, 'Alice'), signUp(anonymous, 'Bob')]);
    // The victim serves the queues' slot (every job lives there); find a chat whose live channel
    // it serves too, so one failover hits both the queued events and the live events.
    const victim = await cluster.masterOf(keySlot(stack.config.queuePrefix));
    let chatId = '';
    for (let i = 0; i < 40 && !chatId; i++) {
      const id = (await alice.client.data('CreateGroup', { input: { title: `g${i}`, memberIds: [bob.id] } }))
        .createGroup.id as string;
      if ((await cluster.masterOf(keySlot(`live:${liveChannel.chat(id)}`))) === victim) chatId = id;
    }
    expect(chatId, 'a chat whose channel the victim serves').not.toBe('');

    // The gateway's live bus, seen directly: its subscription must come back by itself.
    const bus = createLiveSubscriber(stack.config.redisUrl);
    const publisher = createLivePublisher(stack.config.redisUrl);
    closers.push(
      () => bus.close(),
      () => publisher.close(),
    );
    let reconnects = 0;
    bus.onReconnect(() => reconnects++);
    const heard: string[] = [];
    await bus.listen(liveChannel.chat(chatId), (event) => heard.push((event as { type: string }).type));

    const socket = wsClient(stack.gateway.url, bob.client.token);
    closers.push(() => socket.dispose());
    const before = stack.gateway.activeSubscriptions();
    const messages = subscribe(socket, 'MessageAdded', { chatId });
    await waitFor(() => stack.gateway.activeSubscriptions() > before, 10_000, 'the subscription');

    const acknowledged: number[] = [];
    const send = async (body: string) => {
      const sent = await alice.client.data('SendMessage', {
        input: { chatId, clientId: randomUUID(), body },
      });
      acknowledged.push(sent.sendMessage.seq as number);
    };
    const blocks: { blockerId: string; blockedId: string }[] = [];
    const block = async () => {
      const pair = { blockerId: randomUUID(), blockedId: randomUUID() };
      await usersDb.$transaction((tx) => recordEvent(tx, 'UserBlocked', pair));
      blocks.push(pair);
    };

    await send('before');
    await block();
    await messages.nth(1);
    await waitFor(async () => (await chatsDb.blockProjection.count({ where: blocks[0] })) === 1);

    await cluster.kill(victim);
    // Sends and domain events while the master is dead and while its replica takes over.
    const promoted = (async () => {
      for (;;) {
        const master = await cluster.masterOf(keySlot(stack.config.queuePrefix)).catch(() => victim);
        if (master !== victim) return master;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    let during = 0;
    let failedOver = false;
    void promoted.then(() => (failedOver = true));
    while (!failedOver || during < 3) {
      await Promise.all([send(`during ${during}`), block()]);
      during++;
    }
    expect(await promoted).not.toBe(victim);
    await cluster.restart(victim); // back as a replica of the promoted one
    for (let i = 0; i < 3; i++) await Promise.all([send(`after ${i}`), block()]);

    // Every acknowledged message reaches the subscriber once, in order (live, or caught up by seq).
    const last = await messages.nth(acknowledged.length, 30_000);
    expect(last.errors).toBeUndefined();
    expect(messages.results.map((result) => result.data!.messageAdded.seq)).toEqual(acknowledged);
    expect(acknowledged).toEqual(Array.from({ length: acknowledged.length }, (_, i) => i + 1));

    // Every domain event committed meanwhile was handled (none lost in the failover).
    await waitFor(
      async () => (await chatsDb.blockProjection.count({ where: { OR: blocks } })) === blocks.length,
      30_000,
      `${blocks.length} block events projected`,
    );

    // The live bus resubscribed on the promoted master by itself, and said so.
    await waitFor(() => reconnects > 0, 10_000, 'the live bus to report its reconnection');
    const marker = `marker-${randomBytes(4).toString('hex')}`;
    await waitFor(
      async () => {
        await publisher.publish(liveChannel.chat(chatId), { type: marker } as never);
        return heard.includes(marker);
      },
      10_000,
      'a live event through the promoted master',
    );
    await cluster.waitHealthy();
  }, 120_000);
});
