import { randomUUID } from 'node:crypto';
import { redisConnection } from '@switchboard/messaging';
import { createWorker } from '@switchboard/worker';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, uniqueName } from './support/client.ts';
import { startPushService } from './support/pushService.ts';
import { startStack, workerConfig, type Stack } from './support/stack.ts';
import { subscribe, wsClient, type Subscription } from './support/subscriptions.ts';
import { waitFor } from './support/wait.ts';

/**
 * Push per device (issue 18; README, "Push notifications"): a device with entries it has not
 * acknowledged and no live connection gets one push, whether the MessageSent job sends it or the
 * sweep, which reads what is owed from chats' inbox (so a lost job loses no push).
 */

type PushService = Awaited<ReturnType<typeof startPushService>>;

let stack: Stack;
let push: PushService;
let anonymous: Client;
const sockets: ReturnType<typeof wsClient>[] = [];

beforeAll(async () => {
  push = await startPushService();
  // Each test starts the worker when it needs it.
  stack = await startStack({ worker: false, push: { allowHosts: [push.host] } });
  anonymous = new Client(stack.gateway.url);
});
afterAll(async () => {
  for (const socket of sockets) await socket.dispose();
  await push?.close();
  await stack?.stop();
});

/** A worker whose sweep looks every 300 ms at entries older than 1.5 s. */
async function startWorker() {
  const worker = createWorker({
    ...workerConfig(stack.config, stack.subgraphs.presence.rpcUrl, stack.subgraphs.chats.rpcUrl),
    pushTargets: { allowHosts: [push.host] },
    pushSweep: { intervalMs: 300, graceMs: 1_500 },
  });
  await worker.start();
  return worker;
}

interface Device {
  userId: string;
  deviceId: string;
  name: string;
  client: Client;
  /** The path its push target receives on. */
  path: string;
}

const PASSWORD = 'correct horse battery';

/** A user signed in on each of `names`, each device with a push target of its own. */
async function person(displayName: string, names: string[]): Promise<Device[]> {
  const username = uniqueName();
  const devices: Device[] = [];
  for (const [i, name] of names.entries()) {
    const data =
      i === 0
        ? (
            await anonymous.data('SignUpDevice', {
              input: { username, password: PASSWORD, displayName, deviceName: name },
            })
          ).signUp
        : (
            await anonymous.data('SignInDevice', {
              input: { username, password: PASSWORD, deviceName: name },
            })
          ).signIn;
    const client = anonymous.withToken(data.token);
    const path = `/push/${name}-${data.device.id}`;
    devices.push({ userId: data.user.id, deviceId: data.device.id, name, client, path });
  }
  return devices;
}

async function registerPush(device: Device) {
  const subscription = push.subscription(`${device.name}-${device.deviceId}`);
  await device.client.data('RegisterPush', { input: subscription.input });
  return subscription;
}

interface Entry {
  cursor: string;
  event: Record<string, any> & { __typename: string };
}

/**
 * The device's socket, following its inbox (from now), acknowledging each entry when `ack`;
 * resolves once the gateway has told presence of the socket.
 */
async function follow(device: Device, ack: boolean) {
  const socket = wsClient(stack.gateway.url, device.client.token);
  sockets.push(socket);
  const inbox: Subscription<{ inbox: Entry }> = subscribe(socket, 'Inbox', { after: null });
  await inbox.nth(1); // CaughtUp
  await stack.gateway.presence!.settled();
  let acked = 0;
  let open = true;
  void (async () => {
    for (let n = 2; ack && open; n += 1) {
      const result = await inbox.nth(n, 60_000).catch(() => null);
      if (!result?.data || !open) return;
      await device.client.data('AckInbox', { cursor: result.data.inbox.cursor });
      acked = n - 1;
    }
  })();
  return {
    inbox,
    acked: () => acked,
    /** Closes the socket (with whatever it received unacknowledged); resolves once presence knows. */
    async close() {
      open = false;
      await socket.dispose();
      await stack.gateway.presence!.settled();
    },
  };
}

const send = async (from: Device, chatId: string, body: string) =>
  (await from.client.data('SendMessage', { input: { chatId, clientId: randomUUID(), body } }))
    .sendMessage as {
    id: string;
    seq: number;
  };

describe('push per device', () => {
  let worker: Awaited<ReturnType<typeof startWorker>>;
  beforeAll(async () => {
    worker = await startWorker();
  });
  afterAll(() => worker?.stop());

  it('pushes an offline device once, never a connected one, and one whose socket closed unacknowledged', async () => {
    const [alice] = (await person('Alice', ['alice'])) as [Device];
    const [phone, laptop, tablet] = (await person('Bob', ['phone', 'laptop', 'tablet'])) as [
      Device,
      Device,
      Device,
    ];
    const targets = await Promise.all([phone, laptop, tablet].map(registerPush));
    const chatId = (await alice.client.data('CreateDirectChat', { userId: phone.userId })).createDirectChat
      .id as string;
    // The phone follows its inbox and acknowledges; the tablet follows without acknowledging; the
    // laptop is offline.
    const phoneSocket = await follow(phone, true);
    const tabletSocket = await follow(tablet, false);

    const message = await send(alice, chatId, 'hello bob');
    // The laptop is pushed at once (the MessageSent job), naming the message, never its text.
    await expect.poll(() => push.accepted(laptop.path).length, { timeout: 15_000 }).toBe(1);
    const payload = targets[1]!.decrypt(push.accepted(laptop.path)[0]!.body);
    expect(payload).toEqual({
      type: 'message',
      chatId,
      chatTitle: null,
      messageId: message.id,
      seq: message.seq,
      sender: { id: alice.userId, displayName: 'Alice' },
      text: 'New message from Alice',
      tag: message.id,
    });

    // The tablet received the entry on its socket but closes without acknowledging it: the sweep
    // pushes it, once the entry is older than the grace.
    await waitFor(
      () => tabletSocket.inbox.results.some((r) => r.data?.inbox.event.__typename === 'MessageAdded'),
      10_000,
      'the tablet to receive the message',
    );
    await tabletSocket.close();
    await expect.poll(() => push.accepted(tablet.path).length, { timeout: 15_000 }).toBe(1);
    expect(targets[2]!.decrypt(push.accepted(tablet.path)[0]!.body)).toMatchObject({ messageId: message.id });

    // By then the sweep has looked at every entry as old as the tablet's: the phone, which
    // acknowledged it, was never pushed, and the laptop not twice.
    expect(phoneSocket.acked()).toBeGreaterThanOrEqual(1);
    expect(push.received.filter((p) => p.path === phone.path)).toHaveLength(0);
    expect(push.received.filter((p) => p.path === laptop.path)).toHaveLength(1);

    // A new message is a new batch: one more push to each device without a socket, none to the phone.
    const next = await send(alice, chatId, 'still there?');
    await expect.poll(() => push.accepted(tablet.path).length, { timeout: 15_000 }).toBe(2);
    await expect.poll(() => push.accepted(laptop.path).length, { timeout: 15_000 }).toBe(2);
    expect(targets[1]!.decrypt(push.accepted(laptop.path)[1]!.body)).toMatchObject({ messageId: next.id });
    expect(push.received.filter((p) => p.path === phone.path)).toHaveLength(0);
    await phoneSocket.close();
  }, 60_000);

  it("never pushes a device for its own user's messages", async () => {
    const [alice, aliceLaptop] = (await person('Alice', ['alice', 'alicelaptop'])) as [Device, Device];
    const [bob] = (await person('Bob', ['bob'])) as [Device];
    await Promise.all([aliceLaptop, bob].map(registerPush));
    const chatId = (await alice.client.data('CreateDirectChat', { userId: bob.userId })).createDirectChat
      .id as string;
    // Bob is connected when the message comes and leaves without acknowledging it: the sweep pushes
    // him, and in that round looks at Alice's laptop's entry (written in the same statement) too.
    const bobSocket = await follow(bob, false);
    await send(alice, chatId, 'from my phone');
    await waitFor(
      () => bobSocket.inbox.results.some((r) => r.data?.inbox.event.__typename === 'MessageAdded'),
      10_000,
      'Bob to receive the message',
    );
    await bobSocket.close();
    await expect.poll(() => push.accepted(bob.path).length, { timeout: 15_000 }).toBe(1);
    expect(push.received.filter((p) => p.path === aliceLaptop.path)).toHaveLength(0);
  });
});

describe('push when the job is lost', () => {
  it('is still sent by the sweep, which reads what is owed from the store', async () => {
    const [alice] = (await person('Alice', ['alice'])) as [Device];
    const [laptop] = (await person('Bob', ['laptop'])) as [Device];
    await registerPush(laptop);
    const chatId = (await alice.client.data('CreateDirectChat', { userId: laptop.userId })).createDirectChat
      .id as string;

    // No worker runs: the MessageSent job waits in Redis, and is lost there (as in a Redis restart
    // without AOF after the relay had moved it).
    const redis = redisConnection(stack.config.redisUrl);
    const queue = new Queue('push-notifications', { connection: redis, prefix: stack.config.queuePrefix });
    try {
      const message = await send(alice, chatId, 'lost?');
      let removed = false;
      await waitFor(
        async () => {
          for (const job of await queue.getJobs(['waiting', 'prioritized', 'delayed'])) {
            if (JSON.stringify(job.data).includes(message.id)) {
              await job.remove();
              removed = true;
            }
          }
          return removed;
        },
        15_000,
        'the MessageSent job to reach the push queue',
      );

      const worker = await startWorker();
      try {
        await expect.poll(() => push.accepted(laptop.path).length, { timeout: 15_000 }).toBe(1);
      } finally {
        await worker.stop();
      }
      expect(push.received.filter((p) => p.path === laptop.path)).toHaveLength(1);
    } finally {
      await queue.close();
      redis.disconnect();
    }
  });
});
