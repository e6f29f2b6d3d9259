import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { pgAdapter } from '@switchboard/db';
import { redisConnection } from '@switchboard/messaging';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import webPush from 'web-push';
import { PrismaClient as UsersDb } from '../subgraphs/users/src/generated/prisma/client.ts';
import { Client, signUp } from './support/client.ts';
import { startPushService } from './support/pushService.ts';
import { redisEnv } from './support/redis.ts';
import { SUBGRAPHS, startStack, vapid, type Stack } from './support/stack.ts';
import { wsClient } from './support/subscriptions.ts';
import { waitFor } from './support/wait.ts';

type PushService = Awaited<ReturnType<typeof startPushService>>;
type User = Awaited<ReturnType<typeof signUp>>;

let stack: Stack;
let push: PushService;
let anonymous: Client;
let usersDb: UsersDb;

beforeAll(async () => {
  // The worker runs as a child process here, so a test can kill it mid-job.
  push = await startPushService();
  stack = await startStack({ worker: false, push: { allowHosts: [push.host] } });
  anonymous = new Client(stack.gateway.url);
  usersDb = new UsersDb({ adapter: pgAdapter(stack.config.databaseUrls.users, 2) });
});
afterAll(async () => {
  await usersDb?.$disconnect();
  await push?.close();
  await stack?.stop();
});

async function startWorkerProcess(extraEnv: NodeJS.ProcessEnv = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/worker/src/index.ts'], {
    cwd: new URL('..', import.meta.url).pathname,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: stack.config.databaseUrl,
      ...Object.fromEntries(
        SUBGRAPHS.map((name) => [`DATABASE_URL_${name.toUpperCase()}`, stack.config.databaseUrls[name]]),
      ),
      // The push handler asks this stack's presence which devices are connected, and its chats
      // which devices are owed a push.
      PRESENCE_RPC_URL: stack.subgraphs.presence.rpcUrl,
      CHATS_RPC_URL: stack.subgraphs.chats.rpcUrl,
      ...redisEnv(stack.config.redisUrl),
      QUEUE_PREFIX: stack.config.queuePrefix,
      VAPID_SUBJECT: vapid.subject,
      // The fake push service is on loopback: allowed by name, as in development.
      PUSH_ALLOW_HOSTS: push.host,
      // Short job locks: a killed worker's job is handed to the next one within a second or two.
      WORKER_LOCK_DURATION_MS: '1000',
      // A dead worker's claim on a push is taken over after 4 s (its POSTs time out after 1.3 s), by
      // the sweep, which looks every half second at entries older than 2 s.
      PUSH_CLAIM_LEASE_MS: '4000',
      PUSH_SWEEP_INTERVAL_MS: '500',
      PUSH_SWEEP_GRACE_MS: '2000',
      // Any free port: several workers (and other test runs) share the machine.
      METRICS_PORT: '0',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitFor(() => output.includes('worker ready'), 20_000, 'the worker to start');
  return child;
}

async function stopWorker(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') {
  if (child.exitCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}

async function pair(): Promise<{ alice: User; bob: User; chatId: string }> {
  const [alice, bob] = await Promise.all([signUp(anonymous, 'Alice'), signUp(anonymous, 'Bob')]);
  const chatId = (await alice.client.data('CreateDirectChat', { userId: bob.id })).createDirectChat.id;
  return { alice, bob, chatId };
}

async function register(user: User, name: string) {
  const subscription = push.subscription(name);
  await user.client.data('RegisterPush', { input: subscription.input });
  return subscription;
}

const send = (user: User, chatId: string, input: Record<string, unknown>) =>
  user.client.data('SendMessage', { input: { chatId, clientId: randomUUID(), ...input } });

describe('push notifications to offline members', () => {
  let worker: ChildProcess;
  beforeAll(async () => {
    worker = await startWorkerProcess();
  });
  afterAll(() => stopWorker(worker));

  it("sends one encrypted Web Push to each of the device's subscriptions, naming chat and sender, never the text", async () => {
    const { alice, bob, chatId } = await pair();
    const [phone, laptop] = [await register(bob, `phone-${bob.id}`), await register(bob, `laptop-${bob.id}`)];
    const message = (await send(alice, chatId, { body: 'hello bob' })).sendMessage;

    await expect
      .poll(
        () => push.accepted(`/push/phone-${bob.id}`).length + push.accepted(`/push/laptop-${bob.id}`).length,
        { timeout: 15_000 },
      )
      .toBe(2);
    for (const [subscription, name] of [
      [phone, 'phone'],
      [laptop, 'laptop'],
    ] as const) {
      const [received] = push.accepted(`/push/${name}-${bob.id}`);
      expect(received!.headers['content-encoding']).toBe('aes128gcm');
      expect(received!.headers['authorization']).toMatch(/^vapid t=.+, k=/);
      expect(subscription.decrypt(received!.body)).toEqual({
        type: 'message',
        chatId,
        chatTitle: null,
        messageId: message.id,
        seq: message.seq,
        sender: { id: alice.id, displayName: 'Alice' },
        text: 'New message from Alice',
        tag: message.id,
      });
      expect(JSON.stringify(subscription.decrypt(received!.body))).not.toContain('hello bob');
    }
    // Alice, the sender, has no subscription and gets nothing; nothing is sent twice.
    expect(push.received.filter((p) => p.path.endsWith(bob.id))).toHaveLength(2);
  });

  it('never puts an end-to-end encrypted body into a push either', async () => {
    const { alice, bob, chatId } = await pair();
    const phone = await register(bob, `e2e-${bob.id}`);
    await send(alice, chatId, { body: 'c2VjcmV0IGNpcGhlcnRleHQ=', encrypted: true });
    await expect.poll(() => push.accepted(`/push/e2e-${bob.id}`).length, { timeout: 15_000 }).toBe(1);
    const payload = phone.decrypt(push.accepted(`/push/e2e-${bob.id}`)[0]!.body) as Record<string, unknown>;
    expect(payload).toMatchObject({ text: 'New message from Alice' });
    expect(JSON.stringify(payload)).not.toContain('c2VjcmV0IGNpcGhlcnRleHQ=');
  });

  it('does not push to a member who holds a live connection', async () => {
    const { alice, bob, chatId } = await pair();
    await register(bob, `online-${bob.id}`);
    // Bob is connected: his socket is open, and the gateway has told presence (which the worker's
    // push handler asks over gRPC).
    const socket = wsClient(stack.gateway.url, bob.client.token);
    await new Promise<void>((resolve) => socket.on('connected', () => resolve()));
    await stack.gateway.presence!.settled();
    await register(alice, `marker-${alice.id}`);
    await send(alice, chatId, { body: 'are you there?' });
    // Then a message to Alice, who is offline: once it arrives, Bob's would have too.
    await send(bob, chatId, { body: 'yes' });
    await expect.poll(() => push.accepted(`/push/marker-${alice.id}`).length, { timeout: 15_000 }).toBe(1);
    expect(push.received.filter((p) => p.path === `/push/online-${bob.id}`)).toHaveLength(0);
    await socket.dispose();
  });

  it('deletes a subscription that the push service reports gone (410)', async () => {
    const { alice, bob, chatId } = await pair();
    const gone = await register(bob, `gone-${bob.id}`);
    push.onRequest((p) => (p.path === `/push/gone-${bob.id}` ? 410 : 201));
    await send(alice, chatId, { body: 'anyone?' });
    await expect
      .poll(() => usersDb.pushSubscription.count({ where: { endpoint: gone.input.endpoint } }), {
        timeout: 15_000,
      })
      .toBe(0);
    push.onRequest(() => 201);
  });
});

describe('push targets that are not public', () => {
  let worker: ChildProcess;
  beforeAll(async () => {
    worker = await startWorkerProcess();
  });
  afterAll(() => stopWorker(worker));

  it('are never contacted at send time, and kept (a 404 from them would leak back)', async () => {
    const { alice, bob, chatId } = await pair();
    // An internal service on loopback that PUSH_ALLOW_HOSTS does not name; it would answer 404.
    const internal = await startPushService();
    internal.onRequest(() => 404);
    const endpoints = [
      `http://localhost:${internal.port}/push/a`,
      `https://localhost:${internal.port}/push/b`,
      `https://127.0.0.1:${internal.port}/push/c`,
      `https://[::ffff:127.0.0.1]:${internal.port}/push/d`,
    ];
    // Rows as a registration before the check, or a DNS change since, would have left them.
    const keys = push.subscription('unused').input;
    await usersDb.pushSubscription.createMany({
      data: endpoints.map((endpoint, i) => ({
        userId: bob.id,
        deviceId: bob.deviceId,
        endpoint,
        p256dh: keys.p256dh,
        auth: keys.auth,
        createdAt: new Date(Date.now() - 60_000 + i),
      })),
    });
    // Registered after them, so pushed after them: once it arrives, they were handled.
    await register(bob, `after-${bob.id}`);
    await send(alice, chatId, { body: 'psst' });
    await expect.poll(() => push.accepted(`/push/after-${bob.id}`).length, { timeout: 15_000 }).toBe(1);
    expect(internal.connections()).toBe(0);
    expect(await usersDb.pushSubscription.count({ where: { endpoint: { in: endpoints } } })).toBe(4);
    await internal.close();
  });
});

describe('PUSH_ALLOW_HOSTS', () => {
  /** Processes started here: one that did start (the test fails) must not outlive the test run. */
  const children = new Set<ReturnType<typeof spawn>>();
  afterAll(() => {
    for (const child of children) child.kill('SIGKILL');
  });

  /** Runs a process's entry point until it exits (or kills it after 30 s); returns code and stderr. */
  async function exitOf(entry: string, env: NodeJS.ProcessEnv) {
    const child = spawn(process.execPath, ['--import', 'tsx', entry], {
      cwd: new URL('..', import.meta.url).pathname,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.add(child);
    child.once('exit', () => children.delete(child));
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const [code] = (await once(child, 'exit')) as [number | null];
    clearTimeout(timer);
    return { code, stderr };
  }

  it('stops the users subgraph and the worker from starting in production', async () => {
    const keys = webPush.generateVAPIDKeys();
    const env = {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: stack.config.databaseUrl,
      ...redisEnv(stack.config.redisUrl),
      QUEUE_PREFIX: stack.config.queuePrefix,
      // Real keys: production refuses the development ones before it looks at PUSH_ALLOW_HOSTS.
      INTERNAL_TRUSTED_KEYS: JSON.stringify({
        gateway: generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }),
      }),
      INTERNAL_SIGNING_KEY: String(
        generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }),
      ),
      JWT_SECRET: randomBytes(32).toString('hex'),
      VAPID_PUBLIC_KEY: keys.publicKey,
      VAPID_PRIVATE_KEY: keys.privateKey,
      PORT: '0',
      METRICS_PORT: '0',
      PUSH_ALLOW_HOSTS: push.host,
    };
    const results = await Promise.all(
      ['subgraphs/users/src/index.ts', 'apps/worker/src/index.ts'].map((entry) => exitOf(entry, env)),
    );
    for (const { code, stderr } of results) {
      expect(code).toBe(1);
      expect(stderr).toContain('PUSH_ALLOW_HOSTS is for development only');
    }
  });
});

describe('push when the worker dies mid-job', () => {
  // A device's push is claimed as one (chats' pushedPos): cut short, it goes again after the claim's
  // lease, to each of the device's targets, as the same notification (same Topic and tag).
  it("sends the device's push again after a restart, once its claim's lease has run out", async () => {
    const { alice, bob, chatId } = await pair();
    await register(bob, `first-${bob.id}`);
    await register(bob, `second-${bob.id}`);
    let worker = await startWorkerProcess();
    let crashed = false;
    const killed = new Promise<void>((resolve) => {
      push.onRequest((p) => {
        if (p.path !== `/push/second-${bob.id}`) return 201;
        if (!crashed) {
          crashed = true;
          // The second push is in flight: kill the worker before it hears back.
          void stopWorker(worker, 'SIGKILL').then(resolve);
          return null;
        }
        return 201;
      });
    });
    const message = (await send(alice, chatId, { body: 'survive this' })).sendMessage;
    await killed;
    expect(push.accepted(`/push/first-${bob.id}`)).toHaveLength(1);

    worker = await startWorkerProcess();
    await expect.poll(() => push.accepted(`/push/second-${bob.id}`).length, { timeout: 20_000 }).toBe(1);
    await stopWorker(worker);
    // The first target, reached before the crash, got the same notification again: shown once.
    const [original, repeat] = push.accepted(`/push/first-${bob.id}`);
    expect(push.received.filter((p) => p.path === `/push/first-${bob.id}`)).toHaveLength(2);
    expect(repeat!.headers['topic']).toBe(message.id.replaceAll('-', ''));
    expect(original!.headers['topic']).toBe(repeat!.headers['topic']);
    push.onRequest(() => 201);
  });

  it('sends again, with the same Topic and tag, when the worker died after the push service accepted', async () => {
    const { alice, bob, chatId } = await pair();
    await register(bob, `reached-${bob.id}`);
    const accepted = await register(bob, `accepted-${bob.id}`);
    let worker = await startWorkerProcess();
    let crashed = false;
    const killed = new Promise<void>((resolve) => {
      push.onRequest((p) => {
        if (p.path !== `/push/accepted-${bob.id}` || crashed) return 201;
        crashed = true;
        // The push service takes it (201), and the worker dies before it can record that.
        worker.kill('SIGKILL');
        resolve();
        return 201;
      });
    });
    const message = (await send(alice, chatId, { body: 'twice?' })).sendMessage;
    await killed;

    worker = await startWorkerProcess();
    // Not lost: once the dead worker's claim expires, the push goes again.
    await expect.poll(() => push.accepted(`/push/accepted-${bob.id}`).length, { timeout: 20_000 }).toBe(2);
    await stopWorker(worker);
    const [original, repeat] = push.accepted(`/push/accepted-${bob.id}`);
    // Shown once: the push service replaces by Topic, the device by tag.
    expect(repeat!.headers['topic']).toBe(message.id.replaceAll('-', ''));
    expect(original!.headers['topic']).toBe(repeat!.headers['topic']);
    expect(accepted.decrypt(repeat!.body)).toEqual(accepted.decrypt(original!.body));
    expect(accepted.decrypt(repeat!.body)).toMatchObject({ messageId: message.id, tag: message.id });
    // The device's other target is sent the same notification again too (the claim is the device's).
    expect(push.accepted(`/push/reached-${bob.id}`)).toHaveLength(2);
    push.onRequest(() => 201);
  });

  it('never sends at once from a stalled job and the attempt that took it over', async () => {
    const { alice, bob, chatId } = await pair();
    await register(bob, `stalled-${bob.id}`);
    const path = `/push/stalled-${bob.id}`;
    // A long lease (POSTs time out after 20 s, longer than the stall), short job locks.
    const env = { PUSH_CLAIM_LEASE_MS: '60000', WORKER_LOCK_DURATION_MS: '500' };
    const workers = await Promise.all([startWorkerProcess(env), startWorkerProcess(env)]);
    const [original, other] = workers as [ChildProcess, ChildProcess];
    const redis = redisConnection(stack.config.redisUrl);
    const queue = new Queue('push-notifications', { connection: redis, prefix: stack.config.queuePrefix });
    try {
      other.kill('SIGSTOP'); // the original alone takes the job
      let stalled = false;
      const held = new Promise<ServerResponse>((resolve) => {
        push.onRequest((p, res) => {
          if (p.path !== path || stalled) return 201;
          stalled = true;
          // Its push is in flight: the original stalls (its job lock lapses), and the other runs.
          original.kill('SIGSTOP');
          other.kill('SIGCONT');
          resolve(res);
          return null;
        });
      });
      const message = (await send(alice, chatId, { body: 'stall' })).sendMessage;
      const response = await held;
      // The job's id is its event's (test only: the test reads chats' outbox and inbox heads).
      const [{ eventId }] = await usersDb.$queryRaw<[{ eventId: string }]>`
        SELECT "eventId"::text FROM "chats"."OutboxEvent" WHERE payload->>'messageId' = ${message.id}`;
      // The other worker took the stalled job over, found the device's push claimed (within its
      // lease), and finished without sending.
      await expect.poll(() => queue.getJobState(eventId), { timeout: 15_000 }).toBe('completed');

      // The original hears its 201 and confirms its claim; nothing is sent again.
      response.writeHead(201).end();
      original.kill('SIGCONT');
      const confirmed = async () =>
        (
          await usersDb.$queryRaw<{ claimed: boolean }[]>`
            SELECT "pushClaimedAt" IS NOT NULL AS claimed FROM "chats"."InboxHead"
            WHERE "deviceId" = ${bob.deviceId}::uuid`
        )[0]?.claimed === false;
      await expect.poll(confirmed, { timeout: 15_000 }).toBe(true);
      expect(push.received.filter((p) => p.path === path)).toHaveLength(1);
    } finally {
      for (const worker of workers) worker.kill('SIGCONT');
      await Promise.all(workers.map((worker) => stopWorker(worker, 'SIGKILL')));
      await queue.close();
      redis.disconnect();
      push.onRequest(() => 201);
    }
  });
});
