import { randomUUID } from 'node:crypto';
import { chatsProjections } from '@switchboard/chats/events';
import { INTERNAL_IDENTITY_HEADER, type Identity } from '@switchboard/core';
import { pgAdapter } from '@switchboard/db';
import {
  createLivePublisher,
  createLiveSubscriber,
  liveChannel,
  type LiveEvent,
  type LivePublisher,
  type LiveSubscriber,
  type ReceivedEvent,
} from '@switchboard/messaging';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaClient } from '../subgraphs/chats/src/generated/prisma/client.ts';
import { Client, errorCode, signUp, type GraphQLResponse } from './support/client.ts';
import { gatewayToken, startStack, type Stack } from './support/stack.ts';
import { waitFor } from './support/wait.ts';

/**
 * The chats side of realtime: the live events its mutations publish (straight from Redis), the
 * subscription payloads it resolves for the gateway under a delivery identity, and the internal
 * queries the gateway replays from.
 */

let stack: Stack;
let anonymous: Client;
let db: PrismaClient;
const listeners: LiveSubscriber[] = [];

beforeAll(async () => {
  stack = await startStack();
  anonymous = new Client(stack.gateway.url);
  db = new PrismaClient({ adapter: pgAdapter(stack.config.databaseUrls.chats, 2) });
});
afterAll(async () => {
  for (const subscriber of listeners) await subscriber.close();
  await db?.$disconnect();
  await stack?.stop();
});

type User = Awaited<ReturnType<typeof signUp>>;
const users = (n: number): Promise<User[]> => Promise.all(Array.from({ length: n }, () => signUp(anonymous)));

async function group(owner: User, members: User[]): Promise<string> {
  const data = await owner.client.data('CreateGroup', {
    input: { title: 'Live', memberIds: members.map((m) => m.id) },
  });
  return data.createGroup.id;
}

const directChat = async (a: User, b: User): Promise<string> =>
  (await a.client.data('CreateDirectChat', { userId: b.id })).createDirectChat.id;

const sendVariables = (chatId: string, body = 'hi', clientId = randomUUID()) => ({
  input: { chatId, clientId, body },
});
const send = async (user: User, chatId: string, body = 'hi') =>
  (await user.client.data('SendMessage', sendVariables(chatId, body))).sendMessage as {
    id: string;
    seq: number;
  };

/** Everything published on one live channel from now on, in order (as a gateway hears it). */
async function listen(channel: string) {
  const subscriber = createLiveSubscriber(stack.config.redisUrl);
  listeners.push(subscriber);
  const events: LiveEvent[] = [];
  await subscriber.listen(channel, (event) => events.push(event as LiveEvent));
  return {
    events,
    /** Waits until `count` events arrived, and returns them. */
    async received(count: number) {
      await waitFor(() => events.length >= count, 10_000, `${count} live events on ${channel}`);
      return events.slice(0, count);
    },
  };
}
const listenToChat = (chatId: string) => listen(liveChannel.chat(chatId));

/**
 * The `count` events published from now on while `step` runs. A step ending with a marker proves
 * what came before it without sleeping: one publisher connection keeps its events in order, so
 * anything published by mistake would arrive before the marker and show in the result.
 */
async function nextEvents(
  listener: Awaited<ReturnType<typeof listen>>,
  count: number,
  step: () => Promise<unknown>,
) {
  const before = listener.events.length;
  await step();
  return (await listener.received(before + count)).slice(before);
}

/** A request straight to the chats subgraph, as the gateway sends it. */
async function chats(
  identity: Identity,
  query: string,
  variables: Record<string, unknown> = {},
  extensions?: Record<string, unknown>,
): Promise<GraphQLResponse> {
  const response = await fetch(stack.subgraphs.chats.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [INTERNAL_IDENTITY_HEADER]: await gatewayToken(stack.config, identity, 'chats'),
    },
    body: JSON.stringify({ query, variables, ...(extensions ? { extensions } : {}) }),
  });
  return (await response.json()) as GraphQLResponse;
}

/** What the gateway resolves a shared payload as: a follower of the chat's channel. */
const delivery = (chatId: string): Identity => ({
  userId: null,
  delivery: { channel: liveChannel.chat(chatId) },
});

/**
 * A new message's event, carrying the message as messageAdded answers it, and the chat's membership
 * version (1: as created).
 */
const added = (
  message: { id: string; chatId: string; seq: number },
  body: string,
  senderId: string,
  accessVersion = 1,
) => ({
  type: 'messageAdded',
  chatId: message.chatId,
  messageId: message.id,
  seq: message.seq,
  accessVersion,
  data: {
    __typename: 'Message',
    id: message.id,
    seq: message.seq,
    clientId: expect.any(String),
    body,
    encrypted: false,
    status: 'SENT',
    createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    editedAt: null,
    deletedAt: null,
    chat: { __typename: 'Chat', id: message.chatId },
    sender: { __typename: 'User', id: senderId },
    attachments: [],
    reactions: [],
    replyTo: null,
  },
});

const receipt = (
  chatId: string,
  userId: string,
  deliveredSeq: number,
  readSeq: number,
  accessVersion = 1,
) => ({
  type: 'receiptUpdated',
  chatId,
  userId,
  deliveredSeq,
  readSeq,
  accessVersion,
  data: {
    __typename: 'ReceiptUpdate',
    chat: { __typename: 'Chat', id: chatId },
    user: { __typename: 'User', id: userId },
    deliveredSeq,
    readSeq,
  },
});

describe('live events of mutations', () => {
  it('publishes messageAdded for a new message, not for a retry nor a refused send', async () => {
    const [alice, bob, stranger] = await users(3);
    const chatId = await directChat(alice!, bob!);
    const live = await listenToChat(chatId);

    const variables = sendVariables(chatId, 'first');
    const message = (await alice!.client.data('SendMessage', variables)).sendMessage;
    expect(await live.received(1)).toEqual([added({ ...message, chatId }, 'first', alice!.id)]);

    // The idempotent retry returns the stored message and announces nothing; neither do failures.
    const after = await nextEvents(live, 1, async () => {
      expect((await alice!.client.data('SendMessage', variables)).sendMessage.id).toBe(message.id);
      expect(errorCode(await alice!.client.op('SendMessage', sendVariables(chatId, '')))).toBe(
        'BAD_USER_INPUT',
      );
      expect(errorCode(await stranger!.client.op('SendMessage', sendVariables(chatId)))).toBe('NOT_FOUND');
      await send(bob!, chatId, 'marker');
    });
    expect(after).toEqual([added({ id: expect.any(String), chatId, seq: 2 }, 'marker', bob!.id)]);
  });

  it('publishes messageUpdated on edit, delete and react, and nothing when they fail or change nothing', async () => {
    const [alice, bob] = await users(2);
    const chatId = await directChat(alice!, bob!);
    const message = await send(alice!, chatId);
    const live = await listenToChat(chatId);
    const updated = { type: 'messageUpdated', chatId, messageId: message.id, accessVersion: 1 };

    await alice!.client.data('EditMessage', { id: message.id, body: 'edited' });
    await bob!.client.data('React', { messageId: message.id, emoji: '👍' });
    await bob!.client.data('React', { messageId: message.id, emoji: '' });
    expect(await live.received(3)).toEqual([updated, updated, updated]);

    const after = await nextEvents(live, 1, async () => {
      expect(errorCode(await bob!.client.op('EditMessage', { id: message.id, body: 'not mine' }))).toBe(
        'FORBIDDEN',
      );
      expect(errorCode(await bob!.client.op('React', { messageId: message.id, emoji: 'a b' }))).toBe(
        'BAD_USER_INPUT',
      );
      await bob!.client.data('React', { messageId: message.id, emoji: '' }); // had none left
      await alice!.client.data('DeleteMessage', { id: message.id });
    });
    expect(after).toEqual([updated]);

    // Deleting again changes nothing, so it says nothing.
    const again = await nextEvents(live, 1, async () => {
      await alice!.client.data('DeleteMessage', { id: message.id });
      await send(bob!, chatId, 'marker');
    });
    expect(again.map((event) => event.type)).toEqual(['messageAdded']);
  });

  it('publishes receiptUpdated when a mark moves, and messageUpdated for each status it changed', async () => {
    const [alice, bob] = await users(2);
    const chatId = await directChat(alice!, bob!);
    const first = await send(alice!, chatId);
    const second = await send(alice!, chatId);
    const own = await send(bob!, chatId); // bob's own message: his marks do not change its status
    const live = await listenToChat(chatId);
    const updated = (messageId: string) => ({ type: 'messageUpdated', chatId, messageId, accessVersion: 1 });

    await bob!.client.data('MarkDelivered', { chatId, seq: 1 });
    expect(await live.received(2)).toEqual([
      receipt(chatId, bob!.id, 1, 0),
      updated(first.id), // SENT -> DELIVERED
    ]);

    await bob!.client.data('MarkRead', { chatId, seq: own.seq });
    expect((await live.received(5)).slice(2)).toEqual([
      receipt(chatId, bob!.id, 3, 3),
      updated(first.id), // DELIVERED -> READ
      updated(second.id), // SENT -> READ
    ]);

    // A mark that does not move, or a refused one, announces nothing.
    const after = await nextEvents(live, 2, async () => {
      await bob!.client.data('MarkRead', { chatId, seq: 2 });
      await bob!.client.data('MarkDelivered', { chatId, seq: 3 });
      expect(errorCode(await bob!.client.op('MarkRead', { chatId, seq: 99 }))).toBe('BAD_USER_INPUT');
      await alice!.client.data('MarkDelivered', { chatId, seq: 3 });
    });
    expect(after).toEqual([receipt(chatId, alice!.id, 3, 0), updated(own.id)]);
  });

  it('announces a status change once when two members read at the same moment', async () => {
    const [owner, bob, carol] = await users(3);
    const chatId = await group(owner!, [bob!, carol!]);
    const message = await send(owner!, chatId);
    const live = await listenToChat(chatId);

    const events = await nextEvents(live, 4, async () => {
      await Promise.all([bob, carol].map((user) => user!.client.data('MarkRead', { chatId, seq: 1 })));
      await send(owner!, chatId, 'marker');
    });
    // Both receipts and one status change (READ), in some order, then the marker: no duplicate.
    expect(events.at(-1)!.type).toBe('messageAdded');
    expect(events.slice(0, 3)).toEqual(
      expect.arrayContaining([
        receipt(chatId, bob!.id, 1, 1),
        receipt(chatId, carol!.id, 1, 1),
        { type: 'messageUpdated', chatId, messageId: message.id, accessVersion: 1 },
      ]),
    );
  });

  it('tells each user the chat channels they gain and lose: creation, additions, removals and leaving', async () => {
    const [owner, bob, carol, dave] = await users(4);
    const ownerLive = await listen(liveChannel.user(owner!.id));
    const bobLive = await listen(liveChannel.user(bob!.id));
    const carolLive = await listen(liveChannel.user(carol!.id));
    const daveLive = await listen(liveChannel.user(dave!.id));
    const access = (chatId: string, granted: boolean, after?: number) => ({
      type: 'liveAccess',
      channel: liveChannel.chat(chatId),
      granted,
      ...(after === undefined ? {} : { after }),
    });

    const chatId = await group(owner!, [bob!]);
    expect(await ownerLive.received(1)).toEqual([access(chatId, true, 0)]);
    expect(await bobLive.received(1)).toEqual([access(chatId, true, 0)]);
    await send(owner!, chatId, 'before carol and dave');

    // Joining later: the grant says where the chat stood, so what comes after it is owed.
    await owner!.client.data('AddMembers', { chatId, userIds: [carol!.id, dave!.id, bob!.id] });
    expect(await carolLive.received(1)).toEqual([access(chatId, true, 1)]);
    expect(await daveLive.received(1)).toEqual([access(chatId, true, 1)]);

    await owner!.client.data('RemoveMember', { chatId, userId: dave!.id });
    await carol!.client.data('LeaveChat', { chatId });
    expect((await daveLive.received(2))[1]).toEqual(access(chatId, false));
    expect((await carolLive.received(2))[1]).toEqual(access(chatId, false));

    // Refused, repeated or no-op membership changes say nothing.
    const after = await nextEvents(bobLive, 1, async () => {
      expect(errorCode(await bob!.client.op('AddMembers', { chatId, userIds: [dave!.id] }))).toBe(
        'FORBIDDEN',
      );
      await owner!.client.data('AddMembers', { chatId, userIds: [bob!.id] });
      await owner!.client.data('RemoveMember', { chatId, userId: dave!.id });
      await bob!.client.data('LeaveChat', { chatId });
    });
    expect(after).toEqual([access(chatId, false)]);
    expect(daveLive.events).toHaveLength(2);

    // A direct chat tells both members when it is created, and nothing when it is found again.
    const direct = await directChat(dave!, owner!);
    expect((await daveLive.received(3))[2]).toEqual(access(direct, true, 0));
    const again = await nextEvents(daveLive, 1, async () => {
      expect(await directChat(owner!, dave!)).toBe(direct);
      await owner!.client.data('AddMembers', { chatId, userIds: [dave!.id] });
    });
    expect(again).toEqual([access(chatId, true, 1)]);
  });

  it('carries the chat’s membership version on its events, counted by each membership change', async () => {
    const [owner, bob, carol] = await users(3);
    const chatId = await group(owner!, [bob!]);
    const message = await send(owner!, chatId);
    const live = await listenToChat(chatId);
    /** The accessVersion of the one event a step publishes on the chat. */
    const version = async (step: () => Promise<unknown>) =>
      ((await nextEvents(live, 1, step))[0] as { accessVersion?: number }).accessVersion;

    expect(await version(() => send(owner!, chatId))).toBe(1); // created with its members
    await owner!.client.data('AddMembers', { chatId, userIds: [carol!.id] });
    expect(await version(() => send(carol!, chatId))).toBe(2);
    await owner!.client.data('AddMembers', { chatId, userIds: [carol!.id] }); // already in: no change
    await owner!.client.data('RemoveMember', { chatId, userId: bob!.id });
    const edit = () => owner!.client.data('EditMessage', { id: message.id, body: 'edited' });
    expect(await version(edit)).toBe(3);
    await carol!.client.data('LeaveChat', { chatId });
    expect(await version(() => owner!.client.data('React', { messageId: message.id, emoji: '👍' }))).toBe(4);
    expect(await version(() => owner!.client.data('MarkDelivered', { chatId, seq: 1 }))).toBe(4);
  });

  it('announces messageUpdated for the messages carrying a media once media processed it', async () => {
    const [alice, bob] = await users(2);
    const chatId = await directChat(alice!, bob!);
    const mediaId = randomUUID();
    await db.attachableMedia.create({ data: { mediaId, ownerId: alice!.id } });
    const sent = await alice!.client.request<{ sendMessage: { id: string } }>(
      'mutation($input: SendMessageInput!) { sendMessage(input: $input) { id } }',
      { input: { chatId, clientId: randomUUID(), attachmentIds: [mediaId] } },
    );
    const messageId = sent.data!.sendMessage.id;
    await send(alice!, chatId, 'no media');
    const live = await listenToChat(chatId);

    const publisher: LivePublisher = createLivePublisher(stack.config.redisUrl);
    try {
      const event = {
        eventId: randomUUID(),
        type: 'MediaProcessed' as const,
        version: 1,
        payload: { mediaId, status: 'READY' },
        source: 'media',
        sequence: 1n,
        attemptsMade: 0,
      } satisfies ReceivedEvent;
      await chatsProjections(db, publisher)(event);
    } finally {
      await publisher.close();
    }
    expect(await live.received(1)).toEqual([{ type: 'messageUpdated', chatId, messageId, accessVersion: 1 }]);
  });
});

describe('subscription payloads for the gateway', () => {
  const messageAdded =
    'subscription($chatId: ID) { messageAdded(chatId: $chatId) { id seq body chat { id } } }';

  it('resolves messageAdded from the event under a delivery identity for that chat, and NOT_FOUND for another chat', async () => {
    const [alice, bob, carol] = await users(3);
    const chatId = await directChat(alice!, bob!);
    const otherChat = await directChat(alice!, carol!);
    const message = await send(alice!, chatId, 'live hello');
    const event = { type: 'messageAdded', chatId, messageId: message.id, seq: message.seq };

    const resolved = await chats(
      delivery(chatId),
      'subscription { messageAdded { id seq body } }',
      {},
      { liveEvent: event },
    );
    expect(resolved).toEqual({ data: { messageAdded: { id: message.id, seq: 1, body: 'live hello' } } });
    // With the subscription's own chatId, reading the chat as a member would.
    const withChat = await chats(delivery(chatId), messageAdded, { chatId }, { liveEvent: event });
    expect(withChat.data).toEqual({
      messageAdded: { id: message.id, seq: 1, body: 'live hello', chat: { id: chatId } },
    });

    const userChannel: Identity = { userId: null, delivery: { channel: liveChannel.user(bob!.id) } };
    for (const identity of [delivery(otherChat), userChannel, { userId: carol!.id }]) {
      const refused = await chats(
        identity,
        'subscription { messageAdded { id seq body } }',
        {},
        { liveEvent: event },
      );
      expect(errorCode(refused)).toBe('NOT_FOUND');
      expect(refused.data ?? null).toBeNull();
    }
    // The same event for a member: resolved under their own identity, with what they alone see.
    const viewer = 'subscription($chatId: ID) { messageAdded(chatId: $chatId) { id chat { unreadCount } } }';
    expect((await chats({ userId: bob!.id }, viewer, { chatId }, { liveEvent: event })).data).toEqual({
      messageAdded: { id: message.id, chat: { unreadCount: 1 } },
    });
  });

  it('refuses a missing or mismatched live event with BAD_USER_INPUT, and anonymous callers', async () => {
    const [alice, bob] = await users(2);
    const chatId = await directChat(alice!, bob!);
    const message = await send(alice!, chatId);
    const added = { type: 'messageAdded', chatId, messageId: message.id, seq: 1 };
    const query = 'subscription($chatId: ID) { messageAdded(chatId: $chatId) { id } }';
    const cases: [Record<string, unknown>, unknown][] = [
      [{}, undefined],
      [{}, { ...added, type: 'messageUpdated' }],
      [{}, { type: 'messageAdded', chatId }],
      [{}, 'messageAdded'],
      [{ chatId: randomUUID() }, added],
    ];
    for (const [variables, liveEvent] of cases)
      expect(
        errorCode(
          await chats(
            delivery(chatId),
            query,
            variables,
            liveEvent === undefined ? undefined : { liveEvent },
          ),
        ),
        JSON.stringify(liveEvent),
      ).toBe('BAD_USER_INPUT');
    expect(errorCode(await chats({ userId: null }, query, {}, { liveEvent: added }))).toBe('UNAUTHENTICATED');
  });

  it('resolves messageUpdated with reactions and status, and receiptUpdated, for a delivery', async () => {
    // (reactedByMe is @viewer: the gateway never hands a delivery's value of it to a subscriber.)
    const [alice, bob] = await users(2);
    const chatId = await directChat(alice!, bob!);
    const message = await send(alice!, chatId);
    await bob!.client.data('React', { messageId: message.id, emoji: '🎉' });
    await bob!.client.data('MarkRead', { chatId, seq: 1 });

    const updated = await chats(
      delivery(chatId),
      'subscription($chatId: ID) { messageUpdated(chatId: $chatId) { id status reactions { emoji count reactedByMe } sender { id } chat { id } } }',
      { chatId },
      { liveEvent: { type: 'messageUpdated', chatId, messageId: message.id } },
    );
    expect(updated).toEqual({
      data: {
        messageUpdated: {
          id: message.id,
          status: 'READ',
          reactions: [{ emoji: '🎉', count: 1, reactedByMe: false }],
          sender: { id: alice!.id },
          chat: { id: chatId },
        },
      },
    });

    const receipt = await chats(
      delivery(chatId),
      'subscription($chatId: ID!) { receiptUpdated(chatId: $chatId) { chat { id } user { __typename id } deliveredSeq readSeq } }',
      { chatId },
      { liveEvent: { type: 'receiptUpdated', chatId, userId: bob!.id, deliveredSeq: 1, readSeq: 1 } },
    );
    expect(receipt).toEqual({
      data: {
        receiptUpdated: {
          chat: { id: chatId },
          user: { __typename: 'User', id: bob!.id },
          deliveredSeq: 1,
          readSeq: 1,
        },
      },
    });
  });

  it('lets a delivery read its chat by reference, and mutate nothing', async () => {
    const [alice, bob] = await users(2);
    const chatId = await directChat(alice!, bob!);
    const message = await send(alice!, chatId);
    const entities = await chats(
      delivery(chatId),
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Chat { id members { user { id } } } ... on Message { id seq } } }',
      {
        r: [
          { __typename: 'Chat', id: chatId },
          { __typename: 'Message', id: message.id },
        ],
      },
    );
    expect(entities.errors).toBeUndefined();
    expect(entities.data!['_entities'][1]).toEqual({ id: message.id, seq: 1 });
    expect(entities.data!['_entities'][0].members).toHaveLength(2);
    expect(
      (await chats(delivery(chatId), 'query($id: ID!) { chat(id: $id) { id } }', { id: chatId })).data,
    ).toEqual({
      chat: { id: chatId },
    });

    const mutations = [
      `mutation { sendMessage(input: { chatId: "${chatId}", clientId: "x", body: "x" }) { id } }`,
      `mutation { editMessage(id: "${message.id}", body: "x") { id } }`,
      `mutation { deleteMessage(id: "${message.id}") { id } }`,
      `mutation { react(messageId: "${message.id}", emoji: "x") { id } }`,
      `mutation { markRead(chatId: "${chatId}", seq: 1) { id } }`,
      `mutation { leaveChat(chatId: "${chatId}") }`,
    ];
    for (const mutation of mutations)
      expect(errorCode(await chats(delivery(chatId), mutation)), mutation).toBe('UNAUTHENTICATED');
    const row = await db.message.findUniqueOrThrow({ where: { id: message.id } });
    expect(row).toMatchObject({ body: 'hi', deletedAt: null });
  });
});

describe('internal queries for the gateway', () => {
  const messagesAfter =
    'query($chatId: ID!, $afterSeq: Int!, $first: Int!) { _messagesAfter(chatId: $chatId, afterSeq: $afterSeq, first: $first) { id seq body } }';

  it('replays a member’s messages after a seq, oldest first, and NOT_FOUND for anyone else', async () => {
    const [alice, bob, stranger] = await users(3);
    const chatId = await directChat(alice!, bob!);
    for (const body of ['one', 'two', 'three', 'four']) await send(alice!, chatId, body);

    const replay = await chats({ userId: bob!.id }, messagesAfter, { chatId, afterSeq: 1, first: 2 });
    expect(replay.data!['_messagesAfter'].map((m: { seq: number; body: string }) => [m.seq, m.body])).toEqual(
      [
        [2, 'two'],
        [3, 'three'],
      ],
    );
    expect(
      (await chats({ userId: bob!.id }, messagesAfter, { chatId, afterSeq: 4, first: 10 })).data,
    ).toEqual({
      _messagesAfter: [],
    });

    // A follower of the chat's channel may replay it too (the gateway's reconcile); nobody else.
    const followed = await chats(delivery(chatId), messagesAfter, { chatId, afterSeq: 3, first: 10 });
    expect(followed.data).toEqual({ _messagesAfter: [{ id: expect.any(String), seq: 4, body: 'four' }] });
    const otherChat = await directChat(alice!, stranger!);
    for (const identity of [{ userId: stranger!.id }, delivery(otherChat)]) {
      const refused = await chats(identity, messagesAfter, { chatId, afterSeq: 0, first: 10 });
      expect(errorCode(refused), JSON.stringify(identity)).toBe('NOT_FOUND');
    }
    for (const [afterSeq, first] of [
      [0, 0],
      [0, 501],
      [-1, 10],
    ])
      expect(errorCode(await chats({ userId: bob!.id }, messagesAfter, { chatId, afterSeq, first }))).toBe(
        'BAD_USER_INPUT',
      );
  });

  it('answers which chats a subscriber may follow, and where each stands: the one asked for if a member, or all of theirs', async () => {
    const [alice, bob, carol, loner] = await users(4);
    const direct = await directChat(alice!, bob!);
    const groupId = await group(alice!, [carol!]);
    await send(alice!, direct);
    await send(bob!, direct);
    const access = async (identity: Identity, chatId: string | null = null) =>
      chats(identity, 'query($chatId: ID) { _chatAccess(chatId: $chatId) { key after version } }', {
        chatId,
      });
    const channels = async (userId: string) =>
      ((await access({ userId })).data!['_chatAccess'] as { key: string; after: number }[]).sort((a, b) =>
        a.key.localeCompare(b.key),
      );
    expect(await channels(alice!.id)).toEqual(
      [
        { key: direct, after: 2, version: 1 },
        { key: groupId, after: 0, version: 1 },
      ].sort((a, b) => a.key.localeCompare(b.key)),
    );
    expect(await channels(carol!.id)).toEqual([{ key: groupId, after: 0, version: 1 }]);
    expect(await channels(loner!.id)).toEqual([]);
    expect((await access({ userId: bob!.id }, direct)).data).toEqual({
      _chatAccess: [{ key: direct, after: 2, version: 1 }],
    });
    // Each membership change counts.
    await alice!.client.data('AddMembers', { chatId: groupId, userIds: [loner!.id] });
    expect(await channels(loner!.id)).toEqual([{ key: groupId, after: 0, version: 2 }]);
    expect(errorCode(await access({ userId: carol!.id }, direct))).toBe('NOT_FOUND');
    expect(errorCode(await access({ userId: carol!.id }, 'not-an-id'))).toBe('NOT_FOUND');
    expect(errorCode(await access(delivery(groupId)))).toBe('UNAUTHENTICATED');
  });

  it('are not part of the client API at the gateway', async () => {
    const [alice, bob] = await users(2);
    const chatId = await directChat(alice!, bob!);
    for (const query of [
      '{ _chatAccess }',
      `{ _messagesAfter(chatId: "${chatId}", afterSeq: 0, first: 10) { id } }`,
    ])
      expect(errorCode(await alice!.client.request(query)), query).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
