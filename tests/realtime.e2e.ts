import { randomUUID } from 'node:crypto';
import { signUserToken } from '@switchboard/core';
import { pgAdapter } from '@switchboard/db';
import type { RunningGateway } from '@switchboard/gateway';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaClient as PresenceDb } from '../subgraphs/presence/src/generated/prisma/client.ts';
import { Client, signUp } from './support/client.ts';
import { startStack, type Stack } from './support/stack.ts';
import { countingProxy } from './support/proxy.ts';
import { subscribe, subscribeDocument, wsClient, wsUrl, type Subscription } from './support/subscriptions.ts';
import { waitFor } from './support/wait.ts';

type User = Awaited<ReturnType<typeof signUp>>;

let stack: Stack;
let other: RunningGateway;
let anonymous: Client;
const sockets: { dispose(): void | Promise<void> }[] = [];
const proxies: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  stack = await startStack({ gateway: { presence: { leaseMs: 1500 } } });
  // A second gateway process: subscribers connect here, senders use the first one.
  other = await stack.startGateway();
  anonymous = new Client(stack.gateway.url);
});
afterAll(async () => {
  await Promise.all(sockets.map((socket) => socket.dispose()));
  await stack?.stop();
  await Promise.all(proxies.map((proxy) => proxy.close()));
});

function socketFor(user: User, gateway: RunningGateway = other) {
  const client = wsClient(gateway.url, user.client.token);
  sockets.push(client);
  return client;
}

/** Subscribes and waits until the gateway has it listening, so nothing sent after is missed. */
let listening: Promise<unknown> = Promise.resolve();

/**
 * Subscribes and waits until the gateway listens for it. One at a time: "one more active
 * subscription" says that this one is listening only while no other subscribe is under way (five
 * at once all saw the first one arrive, and a late one, whose access was checked after the send,
 * was rightly not owed that message).
 */
function listen(
  user: User,
  operation: string,
  variables: Record<string, unknown>,
  gateway = other,
): Promise<Subscription> {
  const turn = listening.then(async () => {
    const before = gateway.activeSubscriptions();
    const subscription = subscribe(socketFor(user, gateway), operation, variables);
    await waitFor(() => gateway.activeSubscriptions() > before, 10_000, `${operation} to be listening`);
    return subscription;
  });
  listening = turn.catch(() => {});
  return turn;
}

async function group(owner: User, members: User[]): Promise<string> {
  return (
    await owner.client.data('CreateGroup', { input: { title: 'Live', memberIds: members.map((m) => m.id) } })
  ).createGroup.id;
}

const send = async (user: User, chatId: string, body = `m-${randomUUID()}`) =>
  (await user.client.data('SendMessage', { input: { chatId, clientId: randomUUID(), body } })).sendMessage;

describe('federated subscriptions over graphql-ws', () => {
  it('delivers MessageAdded across gateways with fields from users and media resolved', async () => {
    const [alice, bob] = await Promise.all([signUp(anonymous, 'Alice'), signUp(anonymous, 'Bob')]);
    const chatId = await group(alice, [bob]);
    const sub = await listen(bob, 'MessageAdded', { chatId });
    const sent = await send(alice, chatId, 'hello over the wire');
    const { data, errors } = await sub.nth(1);
    expect(errors).toBeUndefined();
    expect(data!.messageAdded).toMatchObject({
      id: sent.id,
      seq: sent.seq,
      body: 'hello over the wire',
      status: 'SENT',
      sender: { id: alice.id, displayName: 'Alice', avatar: null },
      attachments: [],
      reactions: [],
      chat: { id: chatId },
    });
  });

  it('resumes with afterSeq: replays, then goes live, with no gap and no duplicate under concurrent sends', async () => {
    const [alice, bob, carol] = await Promise.all([signUp(anonymous), signUp(anonymous), signUp(anonymous)]);
    const chatId = await group(alice, [bob, carol]);
    for (let i = 0; i < 5; i += 1) await send(alice, chatId);
    // Senders keep sending while bob's subscription replays and switches to live.
    const sending = Promise.all([
      ...Array.from({ length: 10 }, () => send(alice, chatId)),
      ...Array.from({ length: 10 }, () => send(carol, chatId)),
    ]);
    const sub = subscribe(socketFor(bob), 'MessageAdded', { chatId, afterSeq: 2 });
    await sending;
    await sub.nth(23, 20_000);
    await send(alice, chatId);
    await sub.nth(24);
    expect(sub.results.map((r) => r.data!.messageAdded.seq)).toEqual(
      Array.from({ length: 24 }, (_, i) => i + 3),
    );
    expect(sub.results.every((r) => r.errors === undefined)).toBe(true);
  });

  it('with chatId null follows every chat, including one joined after subscribing, and drops one left', async () => {
    const [alice, bob] = await Promise.all([signUp(anonymous), signUp(anonymous)]);
    const first = await group(alice, [bob]);
    const sub = await listen(bob, 'MessageAdded', {});
    const second = await group(alice, [bob]);
    // Joining reaches the gateway as a live event: wait until a message in the new chat arrives.
    await waitFor(async () => {
      await send(alice, second, 'in the new chat');
      return sub.results.some((r) => r.data!.messageAdded.chat.id === second);
    });
    await bob.client.data('LeaveChat', { chatId: first });
    await send(alice, first, 'after bob left');
    const marker = await send(alice, second, 'marker');
    await waitFor(() => sub.results.some((r) => r.data!.messageAdded.id === marker.id));
    expect(sub.results.map((r) => r.data!.messageAdded.body)).not.toContain('after bob left');
  });

  it('ends a chat subscription with FORBIDDEN when the subscriber is removed', async () => {
    const [alice, bob] = await Promise.all([signUp(anonymous), signUp(anonymous)]);
    const chatId = await group(alice, [bob]);
    const sub = await listen(bob, 'MessageAdded', { chatId });
    await alice.client.data('RemoveMember', { chatId, userId: bob.id });
    const error = (await sub.ended) as { extensions?: { code?: string } }[];
    expect(error[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('releases a subscription as soon as the client completes it, without waiting for an event', async () => {
    const [alice, bob] = await Promise.all([signUp(anonymous), signUp(anonymous)]);
    const chatId = await group(alice, [bob]);
    const before = other.activeSubscriptions();
    const sub = await listen(bob, 'MessageAdded', { chatId });
    expect(other.activeSubscriptions()).toBe(before + 1);
    sub.close();
    await waitFor(() => other.activeSubscriptions() === before, 5_000, 'the subscription to be released');
  });

  it('refuses a non-member with NOT_FOUND and an anonymous socket with UNAUTHENTICATED', async () => {
    const [alice, mallory] = await Promise.all([signUp(anonymous), signUp(anonymous)]);
    const chatId = await group(alice, []);
    const refused = subscribe(socketFor(mallory), 'MessageAdded', { chatId });
    expect(((await refused.ended) as { extensions: { code: string } }[])[0]!.extensions.code).toBe(
      'NOT_FOUND',
    );

    const anon = wsClient(other.url);
    sockets.push(anon);
    const anonymousSub = subscribe(anon, 'MessageAdded', { chatId });
    expect(((await anonymousSub.ended) as { extensions: { code: string } }[])[0]!.extensions.code).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('ends a subscription with UNAUTHENTICATED when its token expires', async () => {
    const [alice, bob] = await Promise.all([signUp(anonymous), signUp(anonymous)]);
    const chatId = await group(alice, [bob]);
    const shortLived = await signUserToken(
      { userId: bob.id, deviceId: bob.deviceId },
      stack.config.jwtSecret,
      2,
    );
    const client = wsClient(other.url, shortLived);
    sockets.push(client);
    const sub = subscribe(client, 'MessageAdded', { chatId });
    const error = (await sub.ended) as { extensions?: { code?: string } }[];
    expect(error[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('closes a socket whose token is bad with 4403', async () => {
    const socket = new WebSocket(wsUrl(other.url), 'graphql-transport-ws');
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: 'Bearer forged' } }));
    const code = await new Promise<number>((resolve) =>
      socket.once('close', (closeCode) => resolve(closeCode)),
    );
    expect(code).toBe(4403);
  });

  it('delivers MessageUpdated for edits, reactions and status, and ReceiptUpdated for read marks', async () => {
    const [alice, bob] = await Promise.all([signUp(anonymous, 'Alice'), signUp(anonymous, 'Bob')]);
    const chatId = await group(alice, [bob]);
    const message = await send(alice, chatId, 'first draft');
    const updates = await listen(alice, 'MessageUpdated', { chatId });
    const receipts = await listen(alice, 'ReceiptUpdated', { chatId });

    await alice.client.data('EditMessage', { id: message.id, body: 'final' });
    expect((await updates.nth(1)).data!.messageUpdated).toMatchObject({
      id: message.id,
      body: 'final',
      status: 'SENT',
    });
    await bob.client.data('React', { messageId: message.id, emoji: '👍' });
    expect((await updates.nth(2)).data!.messageUpdated.reactions).toEqual([{ emoji: '👍', count: 1 }]);
    await bob.client.data('MarkRead', { chatId, seq: message.seq });
    await waitFor(() => updates.results.some((r) => r.data!.messageUpdated.status === 'READ'));
    expect((await receipts.nth(1)).data!.receiptUpdated).toEqual({
      chat: { id: chatId },
      user: { id: bob.id, displayName: 'Bob' },
      deliveredSeq: message.seq,
      readSeq: message.seq,
    });
  });

  it('delivers typing with the user from users, and ends it by itself', async () => {
    const [alice, bob] = await Promise.all([signUp(anonymous, 'Alice'), signUp(anonymous, 'Bob')]);
    const chatId = await group(alice, [bob]);
    const typing = await listen(bob, 'Typing', { chatId });
    // presence learns membership from chats' events: retry until its projection has it.
    await waitFor(
      async () => (await alice.client.op('SetTyping', { chatId, isTyping: true })).data?.setTyping === true,
    );
    expect((await typing.nth(1)).data!.typing).toEqual({
      chatId,
      isTyping: true,
      user: { id: alice.id, displayName: 'Alice' },
    });
    // Not renewed: it expires (typingTtlMs is 1 s in tests) and the end is announced.
    expect((await typing.nth(2, 5_000)).data!.typing).toMatchObject({
      isTyping: false,
      user: { id: alice.id },
    });
  });

  it('refuses typing to a non-member', async () => {
    const [alice, mallory] = await Promise.all([signUp(anonymous), signUp(anonymous)]);
    const chatId = await group(alice, []);
    expect(
      (await mallory.client.op('SetTyping', { chatId, isTyping: true })).errors?.[0]?.extensions?.['code'],
    ).toBe('NOT_FOUND');
  });

  it('tracks presence through connect, disconnect, and a gateway that dies', async () => {
    const [alice, bob] = await Promise.all([signUp(anonymous), signUp(anonymous, 'Bob')]);
    const watch = await listen(alice, 'PresenceChanged', { userIds: [bob.id] });
    const presenceOfBob = async () =>
      (await alice.client.data('FindUser', { username: bob.username })).userByUsername.presence;

    const bobSocket = socketFor(bob);
    await waitFor(() => watch.results.length >= 1);
    expect(watch.results[0]!.data!.presenceChanged).toMatchObject({
      status: 'ONLINE',
      user: { id: bob.id, displayName: 'Bob' },
    });
    expect((await presenceOfBob()).status).toBe('ONLINE');

    await bobSocket.dispose();
    await waitFor(() => watch.results.length >= 2);
    const offline = watch.results[1]!.data!.presenceChanged;
    expect(offline.status).toBe('OFFLINE');
    expect(Date.parse(offline.lastSeenAt)).toBeGreaterThan(Date.now() - 60_000);

    // Bob again, through a gateway that then dies without a word: his connection expires.
    const doomed = await stack.startGateway({ presence: { leaseMs: 1500 } });
    socketFor(bob, doomed);
    await waitFor(() => watch.results.length >= 3);
    expect(watch.results[2]!.data!.presenceChanged.status).toBe('ONLINE');
    await doomed.crash();
    await waitFor(() => watch.results.length >= 4, 10_000);
    expect(watch.results[3]!.data!.presenceChanged.status).toBe('OFFLINE');
    expect((await presenceOfBob()).status).toBe('OFFLINE');
  });
});

describe('away', () => {
  it('announces AWAY when a connected user is idle, and ONLINE when they are active again', async () => {
    const idle = await startStack({ awayAfterMs: 800, gateway: { presence: { leaseMs: 1500 } } });
    try {
      const idleAnonymous = new Client(idle.gateway.url);
      const [alice, bob] = await Promise.all([signUp(idleAnonymous), signUp(idleAnonymous)]);
      const aliceSocket = wsClient(idle.gateway.url, alice.client.token);
      const bobSocket = wsClient(idle.gateway.url, bob.client.token);
      sockets.push(aliceSocket, bobSocket);
      const watch = subscribe(aliceSocket, 'PresenceChanged', { userIds: [bob.id] });
      await waitFor(() => idle.gateway.activeSubscriptions() === 1);
      const statuses = () => watch.results.map((r) => r.data!.presenceChanged.status);

      subscribe(bobSocket, 'PresenceChanged', { userIds: [alice.id] }); // bob connects (and acts)
      await waitFor(() => statuses().includes('AWAY'), 10_000, 'bob to be announced AWAY');
      expect(statuses().slice(0, 2)).toEqual(['ONLINE', 'AWAY']);
      expect(
        (await alice.client.data('FindUser', { username: bob.username })).userByUsername.presence.status,
      ).toBe('AWAY');

      subscribe(bobSocket, 'PresenceChanged', { userIds: [alice.id] }); // bob does something again
      await waitFor(() => statuses().length >= 3, 10_000, 'bob to be announced ONLINE again');
      expect(statuses()[2]).toBe('ONLINE');
    } finally {
      await idle.stop();
    }
  });
});

describe('last seen', () => {
  it('is hidden from everybody else when lastSeenVisibility is NOBODY, also in presence events', async () => {
    const [alice, bob] = await Promise.all([signUp(anonymous), signUp(anonymous)]);
    await bob.client.data('UpdateProfile', { input: { lastSeenVisibility: 'NOBODY' } });
    // presence learns it from users' LastSeenVisibilityChanged event, through the worker.
    const presenceDb = new PresenceDb({ adapter: pgAdapter(stack.config.databaseUrls.presence, 1) });
    await waitFor(async () => (await presenceDb.hiddenLastSeen.count({ where: { userId: bob.id } })) === 1);
    await presenceDb.$disconnect();
    const watch = await listen(alice, 'PresenceChanged', { userIds: [bob.id] });
    const bobSocket = socketFor(bob);
    await waitFor(() => watch.results.length >= 1);
    await bobSocket.dispose();
    await waitFor(() => watch.results.length >= 2);
    expect(watch.results[1]!.data!.presenceChanged).toMatchObject({ status: 'OFFLINE', lastSeenAt: null });

    const seenByAlice = (await alice.client.data('FindUser', { username: bob.username })).userByUsername
      .presence;
    expect(seenByAlice).toEqual({ status: 'OFFLINE', lastSeenAt: null });
    const seenByBob = (await bob.client.data('Me')).me.presence;
    expect(seenByBob.status).toBe('OFFLINE');
    expect(seenByBob.lastSeenAt).not.toBeNull();
  });
});

describe('shared resolution and backpressure', () => {
  it('gives each subscriber their own view of viewer-dependent fields of the same event', async () => {
    const [alice, bob] = await Promise.all([signUp(anonymous), signUp(anonymous)]);
    const chatId = await group(alice, [bob]);
    const document =
      'subscription ($chatId: ID) { messageUpdated(chatId: $chatId) { id reactions { emoji count reactedByMe } chat { id unreadCount } } }';
    const listenTo = async (user: User) => {
      const before = other.activeSubscriptions();
      const sub = subscribeDocument(socketFor(user), document, { chatId });
      await waitFor(() => other.activeSubscriptions() > before, 10_000, 'the subscription to listen');
      return sub;
    };
    const [alicesView, bobsView] = [await listenTo(alice), await listenTo(bob)];
    const message = await send(alice, chatId);
    await bob.client.data('React', { messageId: message.id, emoji: '👍' });
    const [seenByAlice, seenByBob] = await Promise.all([alicesView.nth(1), bobsView.nth(1)]);
    expect(seenByAlice.data!.messageUpdated).toEqual({
      id: message.id,
      reactions: [{ emoji: '👍', count: 1, reactedByMe: false }],
      chat: { id: chatId, unreadCount: 0 },
    });
    expect(seenByBob.data!.messageUpdated).toEqual({
      id: message.id,
      reactions: [{ emoji: '👍', count: 1, reactedByMe: true }],
      chat: { id: chatId, unreadCount: 1 },
    });
  });

  it('keeps every subscriber when a shared resolution fails for a moment, and catches the event up by seq', async () => {
    const users = await countingProxy(stack.subgraphs.users.url);
    proxies.push(users);
    const flaky = await stack.startGateway({
      subgraphUrls: {
        ...Object.fromEntries(Object.entries(stack.subgraphs).map(([n, s]) => [n, s.url])),
        users: users.url,
      },
    });
    const [alice, bob, carol] = await Promise.all([signUp(anonymous), signUp(anonymous), signUp(anonymous)]);
    const chatId = await group(alice, [bob, carol]);
    const subs = [
      await listen(bob, 'MessageAdded', { chatId }, flaky),
      await listen(carol, 'MessageAdded', { chatId }, flaky),
    ];
    // users answers 503 to the delivery of the first message (and its retries): it is dropped.
    users.failNext(3);
    const first = await send(alice, chatId, 'while users is down');
    const second = await send(alice, chatId, 'after it came back');
    for (const sub of subs) {
      await sub.nth(2);
      expect(
        sub.results.map((r) => [r.data!.messageAdded.id, r.data!.messageAdded.sender.displayName]),
      ).toEqual([
        [first.id, expect.any(String)],
        [second.id, expect.any(String)],
      ]);
      expect(sub.results.every((r) => r.errors === undefined)).toBe(true);
    }
    expect(flaky.activeSubscriptions()).toBe(2);
    expect(users.requests()).toBeGreaterThanOrEqual(4); // three refused tries of the first, then fine
  });

  it('resolves one event once for all subscribers of a chat, not once per socket', async () => {
    const [alice, ...members] = await Promise.all(Array.from({ length: 6 }, () => signUp(anonymous)));
    const chatId = await group(alice!, members);
    const subs = await Promise.all(members.map((member) => listen(member, 'MessageAdded', { chatId })));
    const before = other.resolver.executions;
    await send(alice!, chatId);
    await Promise.all(subs.map((sub) => sub.nth(1)));
    expect(other.resolver.executions - before).toBe(1);
  });

  it('closes a subscriber that cannot keep up, instead of buffering without bound', async () => {
    const slowGateway = await stack.startGateway({
      subscriptions: { maxBufferedBytes: 64 * 1024, maxQueuedPayloads: 10 },
    });
    const [alice, bob] = await Promise.all([signUp(anonymous), signUp(anonymous)]);
    const chatId = await group(alice, [bob]);
    const socket = new WebSocket(wsUrl(slowGateway.url), 'graphql-transport-ws');
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(
      JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${bob.client.token}` } }),
    );
    await new Promise((resolve) => socket.once('message', resolve));
    const before = slowGateway.activeSubscriptions();
    socket.send(
      JSON.stringify({
        id: '1',
        type: 'subscribe',
        payload: {
          query: 'subscription ($c: ID) { messageAdded(chatId: $c) { id body } }',
          variables: { c: chatId },
        },
      }),
    );
    await waitFor(() => slowGateway.activeSubscriptions() > before);
    // The client stops reading: the server's send buffer fills up.
    (socket as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const big = 'x'.repeat(60_000);
    // Keep sending until the gateway gives up on it rather than keep buffering.
    for (let i = 0; i < 400 && slowGateway.slowConsumersClosed() === 0; i += 1)
      await send(alice, chatId, big);
    expect(slowGateway.slowConsumersClosed()).toBe(1);
    (socket as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await closed).toBe(1013);
    await waitFor(() => slowGateway.activeSubscriptions() === before, 10_000, 'the slow subscription to end');
  });
});
