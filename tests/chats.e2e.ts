import { randomUUID } from 'node:crypto';
import { INTERNAL_IDENTITY_HEADER } from '@switchboard/core';
import { pgAdapter } from '@switchboard/db';
import { queuesFor, redisConnection } from '@switchboard/messaging';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaClient } from '../subgraphs/chats/src/generated/prisma/client.ts';
import { Client, errorCode, signUp, type GraphQLResponse } from './support/client.ts';
import { gatewayToken, startStack, type Stack } from './support/stack.ts';

let stack: Stack;
let anonymous: Client;
// Reads (and for projections, writes) the chats subgraph's own tables, to check what was written.
let db: PrismaClient;

beforeAll(async () => {
  stack = await startStack();
  anonymous = new Client(stack.gateway.url);
  db = new PrismaClient({ adapter: pgAdapter(stack.config.databaseUrls.chats, 2) });
});
afterAll(async () => {
  await db?.$disconnect();
  await stack?.stop();
});

type User = Awaited<ReturnType<typeof signUp>>;
const users = (n: number, displayName?: string): Promise<User[]> =>
  Promise.all(Array.from({ length: n }, () => signUp(anonymous, displayName)));

async function group(owner: User, members: User[], title = 'Friends'): Promise<string> {
  const data = await owner.client.data('CreateGroup', {
    input: { title, memberIds: members.map((m) => m.id) },
  });
  return data.createGroup.id;
}

async function directChat(a: User, b: User): Promise<string> {
  return (await a.client.data('CreateDirectChat', { userId: b.id })).createDirectChat.id;
}

let sent = 0;
async function send(user: User, chatId: string, extra: Record<string, unknown> = {}) {
  sent += 1;
  const data = await user.client.data('SendMessage', {
    input: { chatId, clientId: `c-${sent}-${randomUUID()}`, body: `message ${sent}`, ...extra },
  });
  return data.sendMessage;
}

const chatRow = (id: string) => db.chat.findUniqueOrThrow({ where: { id } });
const messageCount = (chatId: string) => db.message.count({ where: { chatId } });
const seqs = (connection: { edges: { node: { seq: number } }[] }) => connection.edges.map((e) => e.node.seq);

/** The tables (`schema.table`, any schema of the test database) with a row whose text has `needle`. */
async function tablesContaining(needle: string): Promise<string[]> {
  const tables = await db.$queryRaw<{ schema: string; name: string }[]>`
    SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
    WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`;
  expect(tables.length).toBeGreaterThan(20); // every subgraph's schema, not just chats'
  const found: string[] = [];
  for (const { schema, name } of tables) {
    const [row] = await db.$queryRawUnsafe<{ found: boolean }[]>(
      `SELECT EXISTS (SELECT 1 FROM "${schema}"."${name}" AS r WHERE strpos(r::text, $1) > 0) AS found`,
      needle,
    );
    if (row!.found) found.push(`${schema}.${name}`);
  }
  return found;
}

/** A non-member must learn nothing: the error is exactly the one for a chat that does not exist. */
function expectSameNotFound(result: GraphQLResponse, unknown: GraphQLResponse) {
  expect(errorCode(result)).toBe('NOT_FOUND');
  expect(result.errors?.[0]?.message).toBe(unknown.errors?.[0]?.message);
  expect(result.data ?? null).toEqual(unknown.data ?? null);
}

describe('direct chats', () => {
  it('creates one chat per pair and returns it to both sides', async () => {
    const [alice, bob] = await users(2, 'Direct Person');
    const created = (await alice!.client.data('CreateDirectChat', { userId: bob!.id })).createDirectChat;
    expect(created.kind).toBe('DIRECT');
    expect(created.members).toHaveLength(2);
    expect(created.members).toEqual(
      expect.arrayContaining([
        { role: 'MEMBER', user: { id: alice!.id, username: alice!.username, displayName: 'Direct Person' } },
        { role: 'MEMBER', user: { id: bob!.id, username: bob!.username, displayName: 'Direct Person' } },
      ]),
    );
    expect(await directChat(alice!, bob!)).toBe(created.id);
    expect(await directChat(bob!, alice!)).toBe(created.id);
    const events = await db.outboxEvent.findMany({
      where: { type: 'ChatMemberJoined', payload: { path: ['chatId'], equals: created.id } },
    });
    expect(events.map((e) => (e.payload as { userId: string }).userId).sort()).toEqual(
      [alice!.id, bob!.id].sort(),
    );
  });

  it('creates exactly one chat when both sides open it at once', async () => {
    const [alice, bob] = await users(2);
    const ids = await Promise.all(
      Array.from({ length: 6 }, (_, i) => (i % 2 ? directChat(alice!, bob!) : directChat(bob!, alice!))),
    );
    expect(new Set(ids).size).toBe(1);
    expect(await db.chatMember.count({ where: { chatId: ids[0]! } })).toBe(2);
  });

  it('refuses a chat with yourself and an id that is not a user id', async () => {
    const [alice] = await users(1);
    expect(errorCode(await alice!.client.op('CreateDirectChat', { userId: alice!.id }))).toBe(
      'BAD_USER_INPUT',
    );
    expect(errorCode(await alice!.client.op('CreateDirectChat', { userId: 'nope' }))).toBe('BAD_USER_INPUT');
  });

  it('cannot be left, nor have members added', async () => {
    const [alice, bob, carol] = await users(3);
    const chatId = await directChat(alice!, bob!);
    expect(errorCode(await alice!.client.op('LeaveChat', { chatId }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await alice!.client.op('AddMembers', { chatId, userIds: [carol!.id] }))).toBe(
      'BAD_USER_INPUT',
    );
    expect(await db.chatMember.count({ where: { chatId } })).toBe(2);
  });
});

describe('groups and membership', () => {
  it('creates a group with the caller as OWNER, members deduplicated', async () => {
    const [owner, a, b] = await users(3, 'Grouper');
    const data = await owner!.client.data('CreateGroup', {
      input: { title: '  Climbing  ', memberIds: [a!.id, b!.id, a!.id, owner!.id] },
    });
    const chat = data.createGroup;
    expect(chat).toMatchObject({ kind: 'GROUP', title: 'Climbing' });
    expect(chat.members).toHaveLength(3);
    expect(chat.members).toEqual(
      expect.arrayContaining([
        { role: 'OWNER', user: { id: owner!.id, displayName: 'Grouper' } },
        { role: 'MEMBER', user: { id: a!.id, displayName: 'Grouper' } },
        { role: 'MEMBER', user: { id: b!.id, displayName: 'Grouper' } },
      ]),
    );
    expect(await db.outboxEvent.count({ where: { payload: { path: ['chatId'], equals: chat.id } } })).toBe(3);
  });

  it('refuses a bad title or member list and writes nothing', async () => {
    const [owner] = await users(1);
    const before = await db.chat.count();
    for (const input of [
      { title: '   ', memberIds: [] },
      { title: 'x'.repeat(101), memberIds: [] },
      { title: 'ok', memberIds: ['not-an-id'] },
      { title: 'ok', memberIds: Array.from({ length: 1024 }, () => randomUUID()) },
    ])
      expect(errorCode(await owner!.client.op('CreateGroup', { input }))).toBe('BAD_USER_INPUT');
    expect(await db.chat.count()).toBe(before);
  });

  it('lets OWNER and ADMIN add and remove members, and a MEMBER neither', async () => {
    const [owner, admin, member, newcomer, other] = await users(5);
    const chatId = await group(owner!, [admin!, member!]);
    await db.chatMember.update({
      where: { chatId_userId: { chatId, userId: admin!.id } },
      data: { role: 'ADMIN' },
    });

    const refused = await member!.client.op('AddMembers', { chatId, userIds: [newcomer!.id] });
    expect(errorCode(refused)).toBe('FORBIDDEN');
    expect(errorCode(await member!.client.op('RemoveMember', { chatId, userId: admin!.id }))).toBe(
      'FORBIDDEN',
    );
    expect(await db.chatMember.count({ where: { chatId } })).toBe(3);

    const added = await admin!.client.data('AddMembers', { chatId, userIds: [newcomer!.id, member!.id] });
    expect(added.addMembers.members).toHaveLength(4);
    expect(added.addMembers.members).toContainEqual({ role: 'MEMBER', user: { id: newcomer!.id } });
    await owner!.client.data('AddMembers', { chatId, userIds: [other!.id] });

    const removed = await admin!.client.data('RemoveMember', { chatId, userId: newcomer!.id });
    expect(removed.removeMember.members.map((m: { user: { id: string } }) => m.user.id)).not.toContain(
      newcomer!.id,
    );
    await owner!.client.data('RemoveMember', { chatId, userId: other!.id });
    expect(errorCode(await admin!.client.op('RemoveMember', { chatId, userId: owner!.id }))).toBe(
      'FORBIDDEN',
    );

    // The removed user sees the chat as if it never existed, for reads and writes.
    const unknown = await newcomer!.client.op('ChatHistory', { chatId: randomUUID(), last: 10 });
    expectSameNotFound(await newcomer!.client.op('ChatHistory', { chatId, last: 10 }), unknown);
    expect(
      errorCode(
        await newcomer!.client.op('SendMessage', {
          input: { chatId, clientId: 'after-removal', body: 'hi' },
        }),
      ),
    ).toBe('NOT_FOUND');

    const events = await db.outboxEvent.findMany({
      where: { payload: { path: ['chatId'], equals: chatId } },
      orderBy: { id: 'asc' },
    });
    expect(events.map((e) => [e.type, (e.payload as { userId: string }).userId])).toEqual([
      ['ChatMemberJoined', owner!.id],
      ['ChatMemberJoined', admin!.id],
      ['ChatMemberJoined', member!.id],
      ['ChatMemberJoined', newcomer!.id],
      ['ChatMemberJoined', other!.id],
      ['ChatMemberLeft', newcomer!.id],
      ['ChatMemberLeft', other!.id],
    ]);
  });

  it('hands ownership to the longest-standing admin, else member, when the owner leaves', async () => {
    const [owner, first, second, third] = await users(4);
    const chatId = await group(owner!, [first!]);
    await owner!.client.data('AddMembers', { chatId, userIds: [second!.id] });
    await owner!.client.data('AddMembers', { chatId, userIds: [third!.id] });
    await db.chatMember.update({
      where: { chatId_userId: { chatId, userId: third!.id } },
      data: { role: 'ADMIN' },
    });

    expect((await owner!.client.data('LeaveChat', { chatId })).leaveChat).toBe(true);
    const roles = async () =>
      Object.fromEntries(
        (await db.chatMember.findMany({ where: { chatId } })).map((m) => [m.userId, m.role]),
      );
    expect(await roles()).toEqual({ [first!.id]: 'MEMBER', [second!.id]: 'MEMBER', [third!.id]: 'OWNER' });
    expect(errorCode(await owner!.client.op('ChatHistory', { chatId, last: 1 }))).toBe('NOT_FOUND');

    await third!.client.data('LeaveChat', { chatId });
    expect(await roles()).toEqual({ [first!.id]: 'OWNER', [second!.id]: 'MEMBER' });
    // A plain member leaves without changing anyone's role.
    await second!.client.data('LeaveChat', { chatId });
    expect(await roles()).toEqual({ [first!.id]: 'OWNER' });
    const left = await db.outboxEvent.count({
      where: { type: 'ChatMemberLeft', payload: { path: ['chatId'], equals: chatId } },
    });
    expect(left).toBe(3);
  });
});

describe('sending messages', () => {
  it('stores a message with seq, status and a MessageSent event for the other members', async () => {
    const [alice, bob, carol] = await users(3, 'Sender');
    const chatId = await group(alice!, [bob!, carol!], 'Dinner');
    const first = await send(alice!, chatId, { body: 'hello' });
    expect(first).toMatchObject({
      seq: 1,
      body: 'hello',
      encrypted: false,
      status: 'SENT',
      editedAt: null,
      deletedAt: null,
      replyTo: null,
      attachments: [],
      reactions: [],
      sender: { id: alice!.id, displayName: 'Sender', avatar: null },
    });
    expect(new Date(first.createdAt).toISOString()).toBe(first.createdAt);

    const reply = await send(bob!, chatId, { body: 'hi!', replyToId: first.id });
    expect(reply).toMatchObject({
      seq: 2,
      replyTo: { id: first.id, body: 'hello', sender: { id: alice!.id, displayName: 'Sender' } },
    });

    const secret = await send(carol!, chatId, { body: 'b64-ciphertext', encrypted: true });
    expect(secret).toMatchObject({ seq: 3, encrypted: true, body: 'b64-ciphertext' });

    const events = await db.outboxEvent.findMany({
      where: { type: 'MessageSent', payload: { path: ['chatId'], equals: chatId } },
      orderBy: { id: 'asc' },
    });
    expect(events.map((e) => e.payload)).toEqual([
      expect.objectContaining({ messageId: first.id, seq: 1, chatTitle: 'Dinner' }),
      expect.objectContaining({ messageId: reply.id, seq: 2, senderId: bob!.id }),
      expect.objectContaining({ messageId: secret.id, seq: 3, encrypted: true }),
    ]);
    // Never a message's text in an event: events are kept, and no consumer needs it.
    for (const event of events) expect(event.payload).not.toHaveProperty('body');
    expect((events[0]!.payload as { recipientIds: string[] }).recipientIds.sort()).toEqual(
      [bob!.id, carol!.id].sort(),
    );
    expect((await chatRow(chatId)).lastSeq).toBe(3);
  });

  it('is idempotent per clientId, also under concurrent retries, without burning a seq', async () => {
    const [alice, bob] = await users(2);
    const chatId = await directChat(alice!, bob!);
    const input = { chatId, clientId: `retry-${randomUUID()}`, body: 'only once' };
    const results = await Promise.all(
      Array.from({ length: 10 }, () => alice!.client.data('SendMessage', { input })),
    );
    const ids = new Set(results.map((r) => r.sendMessage.id));
    expect(ids.size).toBe(1);
    expect(results.every((r) => r.sendMessage.seq === 1)).toBe(true);
    expect(await messageCount(chatId)).toBe(1);
    // A later retry too, and the next message follows without a gap.
    expect((await alice!.client.data('SendMessage', { input })).sendMessage.id).toBe([...ids][0]);
    expect((await send(alice!, chatId)).seq).toBe(2);
    expect((await chatRow(chatId)).lastSeq).toBe(2);
    // The same clientId is the other user's own: no collision.
    expect((await bob!.client.data('SendMessage', { input })).sendMessage.seq).toBe(3);
  });

  it('numbers concurrent senders 1..n with no gap and no duplicate', async () => {
    const members = await users(5);
    const chatId = await group(members[0]!, members.slice(1));
    const stored = await Promise.all(
      members.flatMap((member) => Array.from({ length: 20 }, () => send(member, chatId))),
    );
    const numbers = stored.map((m) => m.seq as number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect((await chatRow(chatId)).lastSeq).toBe(100);
    expect(await messageCount(chatId)).toBe(100);
  }, 60_000);

  it('refuses bad input with BAD_USER_INPUT and leaves the chat unchanged', async () => {
    const [alice, bob, stranger] = await users(3);
    const chatId = await group(alice!, [bob!]);
    await send(alice!, chatId);
    const otherChat = await group(bob!, [stranger!]);
    const foreign = await send(bob!, otherChat);
    const mediaOfBob = randomUUID();
    await db.attachableMedia.create({ data: { mediaId: mediaOfBob, ownerId: bob!.id } });

    const cases: Record<string, unknown>[] = [
      { body: 'x'.repeat(64 * 1024 + 1) },
      { body: 'é'.repeat(32 * 1024) + 'x' }, // 64 KiB + 1 in UTF-8 bytes, far fewer characters
      { body: null },
      { body: '' },
      { clientId: '' },
      { clientId: 'x'.repeat(65) },
      { replyToId: foreign.id },
      { replyToId: 'not-an-id' },
      { attachmentIds: [mediaOfBob] },
      { attachmentIds: [randomUUID()] },
      { attachmentIds: ['not-an-id'] },
      { attachmentIds: Array.from({ length: 11 }, () => randomUUID()) },
    ];
    const before = await chatRow(chatId);
    for (const extra of cases) {
      const input = { chatId, clientId: `bad-${randomUUID()}`, body: 'hi', ...extra };
      expect(
        errorCode(await alice!.client.op('SendMessage', { input })),
        JSON.stringify(extra).slice(0, 80),
      ).toBe('BAD_USER_INPUT');
    }
    // Wrong variable types are refused before anything runs.
    const wrongType = await alice!.client.op('SendMessage', {
      input: { chatId, clientId: 5, body: { a: 1 } },
    });
    expect(errorCode(wrongType)).toBe('BAD_USER_INPUT');
    expect(errorCode(await alice!.client.op('MarkRead', { chatId, seq: 'one' }))).toBe('BAD_USER_INPUT');

    const after = await chatRow(chatId);
    expect(after.lastSeq).toBe(before.lastSeq);
    expect(after.lastMessageAt).toEqual(before.lastMessageAt);
    expect(await messageCount(chatId)).toBe(1);

    // Exactly 64 KiB is fine.
    expect((await send(alice!, chatId, { body: 'x'.repeat(64 * 1024) })).seq).toBe(2);
  });

  it('accepts the sender’s own media as attachments', async () => {
    const [alice, bob] = await users(2);
    const chatId = await directChat(alice!, bob!);
    const media = [randomUUID(), randomUUID()];
    await db.attachableMedia.createMany({ data: media.map((mediaId) => ({ mediaId, ownerId: alice!.id })) });
    // Not the contract document: the media subgraph resolves the rest of Media, not this test's concern.
    const result = await alice!.client.request(
      `mutation($input: SendMessageInput!) { sendMessage(input: $input) { seq body attachments { id } } }`,
      { input: { chatId, clientId: randomUUID(), attachmentIds: media } },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.sendMessage).toEqual({
      seq: 1,
      body: null,
      attachments: media.map((id) => ({ id })),
    });
  });
});

describe('editing, deleting and reacting', () => {
  it('lets only the sender edit and delete; a deleted message keeps id and seq', async () => {
    const [alice, bob, stranger] = await users(3);
    const chatId = await group(alice!, [bob!]);
    const message = await send(alice!, chatId, { body: 'tpyo' });

    const edited = (await alice!.client.data('EditMessage', { id: message.id, body: 'typo' })).editMessage;
    expect(edited).toMatchObject({ id: message.id, body: 'typo' });
    expect(edited.editedAt).not.toBeNull();

    expect(errorCode(await bob!.client.op('EditMessage', { id: message.id, body: 'mine' }))).toBe(
      'FORBIDDEN',
    );
    expect(errorCode(await bob!.client.op('DeleteMessage', { id: message.id }))).toBe('FORBIDDEN');
    const unknown = await stranger!.client.op('EditMessage', { id: randomUUID(), body: 'x' });
    expectSameNotFound(await stranger!.client.op('EditMessage', { id: message.id, body: 'x' }), unknown);
    expectSameNotFound(
      await stranger!.client.op('DeleteMessage', { id: message.id }),
      await stranger!.client.op('DeleteMessage', { id: randomUUID() }),
    );
    expect(errorCode(await alice!.client.op('EditMessage', { id: message.id, body: '' }))).toBe(
      'BAD_USER_INPUT',
    );
    expect(errorCode(await alice!.client.op('EditMessage', { id: 'not-an-id', body: 'x' }))).toBe(
      'NOT_FOUND',
    );
    expect((await db.message.findUniqueOrThrow({ where: { id: message.id } })).body).toBe('typo');

    await bob!.client.data('React', { messageId: message.id, emoji: '👍' });
    const deleted = (await alice!.client.data('DeleteMessage', { id: message.id })).deleteMessage;
    expect(deleted).toMatchObject({ id: message.id, body: null });
    expect(deleted.deletedAt).not.toBeNull();
    // Deleting again changes nothing.
    expect((await alice!.client.data('DeleteMessage', { id: message.id })).deleteMessage).toEqual(deleted);

    const history = (await bob!.client.data('ChatHistory', { chatId, last: 10 })).chat.messages;
    expect(history.edges).toHaveLength(1);
    expect(history.edges[0].node).toMatchObject({ id: message.id, seq: 1, body: null, reactions: [] });
    expect(errorCode(await alice!.client.op('EditMessage', { id: message.id, body: 'again' }))).toBe(
      'BAD_USER_INPUT',
    );
    expect(errorCode(await bob!.client.op('React', { messageId: message.id, emoji: '😮' }))).toBe(
      'BAD_USER_INPUT',
    );
  });

  it("leaves a deleted message's text nowhere in the database, nor its text before an edit", async () => {
    const [alice, bob] = await users(2);
    const chatId = await group(alice!, [bob!]);
    const [original, edited] = [`said-${randomUUID()}`, `edited-${randomUUID()}`];
    const message = await send(alice!, chatId, { body: original });
    await alice!.client.data('EditMessage', { id: message.id, body: edited });
    // Its MessageSent event went through the relay and every consumer (none may keep the text).
    const { eventId, payload } = await db.outboxEvent.findFirstOrThrow({
      where: { type: 'MessageSent', payload: { path: ['messageId'], equals: message.id } },
    });
    const redis = redisConnection(stack.config.redisUrl);
    for (const name of queuesFor('MessageSent', payload)) {
      const queue = new Queue(name, { connection: redis, prefix: stack.config.queuePrefix });
      await expect.poll(() => queue.getJobState(eventId), { timeout: 15_000 }).toBe('completed');
      await queue.close();
    }
    redis.disconnect();
    expect(await tablesContaining(original)).toEqual([]);
    expect(await tablesContaining(edited)).toEqual(['chats.Message']);

    await alice!.client.data('DeleteMessage', { id: message.id });
    expect(await tablesContaining(edited)).toEqual([]);
  });

  it('keeps one reaction per user, aggregated, and removes it with an empty emoji', async () => {
    const [alice, bob, carol, stranger] = await users(4);
    const chatId = await group(alice!, [bob!, carol!]);
    const message = await send(alice!, chatId);
    const react = (user: User, emoji: string) =>
      user.client.data('React', { messageId: message.id, emoji }).then((d) => d.react.reactions);

    expect(await react(bob!, '👍')).toEqual([{ emoji: '👍', count: 1, reactedByMe: true }]);
    expect(await react(carol!, '👍')).toEqual([{ emoji: '👍', count: 2, reactedByMe: true }]);
    expect(await react(bob!, '❤️')).toEqual([
      { emoji: '👍', count: 1, reactedByMe: false },
      { emoji: '❤️', count: 1, reactedByMe: true },
    ]);
    expect(await react(alice!, '❤️')).toEqual([
      { emoji: '👍', count: 1, reactedByMe: false },
      { emoji: '❤️', count: 2, reactedByMe: true },
    ]);
    expect(await react(bob!, '')).toEqual([
      { emoji: '👍', count: 1, reactedByMe: false },
      { emoji: '❤️', count: 1, reactedByMe: false },
    ]);
    expect(await db.reaction.count({ where: { messageId: message.id } })).toBe(2);
    // A history page reads the same, per viewer, with a message without reactions beside it.
    const quiet = await send(alice!, chatId);
    const seen = async (user: User) =>
      (await user.client.data('ChatHistory', { chatId, last: 10 })).chat.messages.edges.map(
        (edge: { node: { id: string; reactions: unknown[] } }) => [edge.node.id, edge.node.reactions],
      );
    expect(await seen(carol!)).toEqual([
      [
        message.id,
        [
          { emoji: '👍', count: 1, reactedByMe: true },
          { emoji: '❤️', count: 1, reactedByMe: false },
        ],
      ],
      [quiet.id, []],
    ]);
    expect((await seen(alice!))[0]![1]).toEqual([
      { emoji: '👍', count: 1, reactedByMe: false },
      { emoji: '❤️', count: 1, reactedByMe: true },
    ]);

    for (const emoji of ['a b', 'x'.repeat(17), ' ', '\n'])
      expect(errorCode(await bob!.client.op('React', { messageId: message.id, emoji }))).toBe(
        'BAD_USER_INPUT',
      );
    expectSameNotFound(
      await stranger!.client.op('React', { messageId: message.id, emoji: '👍' }),
      await stranger!.client.op('React', { messageId: randomUUID(), emoji: '👍' }),
    );
    expect(await db.reaction.count({ where: { messageId: message.id } })).toBe(2);
  });
});

/** Not a contract document: it asks for every pageInfo flag in both directions. */
const fullPage = `query($id: ID!, $after: String, $before: String, $first: Int, $last: Int) {
  chat(id: $id) {
    messages(first: $first, after: $after, last: $last, before: $before) {
      edges { node { seq } }
      pageInfo { hasNextPage hasPreviousPage }
    }
  }
}`;

describe('history and the chat list', () => {
  it('pages back with last/before and forward with first/after, with correct pageInfo', async () => {
    const [alice, bob] = await users(2);
    const chatId = await directChat(alice!, bob!);
    for (let i = 0; i < 7; i++) await send(i % 2 ? bob! : alice!, chatId);

    const history = async (before?: string) =>
      (await bob!.client.data('ChatHistory', { chatId, last: 3, before })).chat.messages;
    const newest = await history();
    expect(seqs(newest)).toEqual([5, 6, 7]);
    expect(newest.pageInfo.hasPreviousPage).toBe(true);
    const middle = await history(newest.pageInfo.startCursor);
    expect(seqs(middle)).toEqual([2, 3, 4]);
    expect(middle.pageInfo.hasPreviousPage).toBe(true);
    const oldest = await history(middle.pageInfo.startCursor);
    expect(seqs(oldest)).toEqual([1]);
    expect(oldest.pageInfo).toEqual({ hasPreviousPage: false, startCursor: oldest.edges[0].cursor });

    const catchUp = async (after?: string | null) =>
      (await alice!.client.data('ChatCatchUp', { chatId, first: 3, after })).chat.messages;
    const start = await catchUp();
    expect(seqs(start)).toEqual([1, 2, 3]);
    expect(start.pageInfo.hasNextPage).toBe(true);
    // Resume from a cursor taken out of history: the two directions share cursors.
    const rest = await catchUp(middle.edges[2].cursor);
    expect(seqs(rest)).toEqual([5, 6, 7]);
    expect(rest.pageInfo.hasNextPage).toBe(false);
    const end = await catchUp(rest.pageInfo.endCursor);
    expect(end.edges).toEqual([]);
    expect(end.pageInfo).toEqual({ hasNextPage: false, endCursor: null });

    // Both flags in both directions, through a document that asks for all of pageInfo.
    const both = await alice!.client.request(fullPage, {
      id: chatId,
      first: 2,
      after: start.edges[1].cursor,
    });
    expect(both.data!.chat.messages).toEqual({
      edges: [{ node: { seq: 3 } }, { node: { seq: 4 } }],
      pageInfo: { hasNextPage: true, hasPreviousPage: true },
    });
    const back = await alice!.client.request(fullPage, {
      id: chatId,
      last: 2,
      before: newest.edges[1].cursor,
    });
    expect(back.data!.chat.messages).toEqual({
      edges: [{ node: { seq: 4 } }, { node: { seq: 5 } }],
      pageInfo: { hasNextPage: true, hasPreviousPage: true },
    });
  });

  it('refuses out-of-range page sizes and bad cursors with BAD_USER_INPUT', async () => {
    const [alice, bob] = await users(2);
    const chatId = await directChat(alice!, bob!);
    await send(alice!, chatId);
    for (const variables of [
      { first: 0 },
      { first: 101 },
      { after: 'not-a-cursor' },
      { after: Buffer.from('m:-1').toString('base64url') },
      { after: Buffer.from('m:99999999999').toString('base64url') },
    ])
      expect(errorCode(await alice!.client.op('ChatCatchUp', { chatId, ...variables }))).toBe(
        'BAD_USER_INPUT',
      );
    for (const variables of [{ last: 0 }, { last: 101 }, { before: 'bad' }])
      expect(errorCode(await alice!.client.op('ChatHistory', { chatId, ...variables }))).toBe(
        'BAD_USER_INPUT',
      );
    expect(errorCode(await alice!.client.op('ChatList', { first: 0 }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await alice!.client.op('ChatList', { after: 'bad' }))).toBe('BAD_USER_INPUT');
    // Defaults apply when no size is given.
    expect(seqs((await alice!.client.data('ChatCatchUp', { chatId })).chat.messages)).toEqual([1]);
  });

  it('lists the caller’s chats by last activity, with unread counts and the last message', async () => {
    const [me, a, b, c] = await users(4, 'Lister');
    const withA = await directChat(me!, a!);
    const withB = await directChat(me!, b!);
    const grp = await group(c!, [me!], 'Club');
    await send(a!, withA, { body: 'from a' });
    await send(c!, grp, { body: 'club news' });
    await send(b!, withB, { body: 'from b 1' });
    const last = await send(b!, withB, { body: 'from b 2' });

    const page1 = (await me!.client.data('ChatList', { first: 2 })).chats;
    expect(page1.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([withB, grp]);
    expect(page1.edges[0].node).toEqual({
      id: withB,
      title: null,
      unreadCount: 2,
      lastMessage: {
        id: last.id,
        seq: 2,
        body: 'from b 2',
        createdAt: last.createdAt,
        sender: { id: b!.id, displayName: 'Lister' },
      },
    });
    expect(page1.edges[1].node).toMatchObject({ title: 'Club', unreadCount: 1 });
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = (await me!.client.data('ChatList', { first: 2, after: page1.pageInfo.endCursor })).chats;
    expect(page2.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([withA]);
    expect(page2.pageInfo.hasNextPage).toBe(false);
    // A chat with nothing in it yet.
    const empty = await group(me!, [], 'Empty');
    const all = (await me!.client.data('ChatList', {})).chats.edges.map((e: { node: any }) => e.node);
    expect(all.find((n: { id: string }) => n.id === empty)).toMatchObject({
      unreadCount: 0,
      lastMessage: null,
    });
  });
});

describe('receipts', () => {
  it("shows the status of a direct chat's messages in its history as the marks move", async () => {
    const [alice, bob] = await users(2);
    const chatId = await directChat(alice!, bob!);
    await send(alice!, chatId);
    await send(bob!, chatId);
    const statuses = async (user: User) =>
      (await user.client.data('ChatHistory', { chatId, last: 10 })).chat.messages.edges.map(
        (e: { node: { status: string } }) => e.node.status,
      );
    expect(await statuses(alice!)).toEqual(['SENT', 'SENT']);
    await bob!.client.data('MarkDelivered', { chatId, seq: 2 });
    expect(await statuses(alice!)).toEqual(['DELIVERED', 'SENT']);
    await bob!.client.data('MarkRead', { chatId, seq: 1 });
    expect(await statuses(bob!)).toEqual(['READ', 'SENT']);
    await alice!.client.data('MarkRead', { chatId, seq: 2 });
    expect(await statuses(alice!)).toEqual(['READ', 'READ']);
  });

  it('moves status SENT → DELIVERED → READ and unreadCount with the marks, never back', async () => {
    const [alice, bob, carol] = await users(3);
    const chatId = await group(alice!, [bob!, carol!]);
    await send(alice!, chatId);
    await send(alice!, chatId);
    await send(bob!, chatId);
    const statuses = async () =>
      (await alice!.client.data('ChatCatchUp', { chatId })).chat.messages.edges
        .slice(0, 2)
        .map((e: { node: { status: string } }) => e.node.status);
    const unread = async (user: User) =>
      (await user.client.data('MarkDelivered', { chatId, seq: 0 })) &&
      (await user.client.request('query($id: ID!) { chat(id: $id) { unreadCount } }', { id: chatId })).data!
        .chat.unreadCount;

    expect(await statuses()).toEqual(['SENT', 'SENT']);
    await bob!.client.data('MarkDelivered', { chatId, seq: 2 });
    expect(await statuses()).toEqual(['SENT', 'SENT']); // carol has not got them yet
    await carol!.client.data('MarkDelivered', { chatId, seq: 1 });
    expect(await statuses()).toEqual(['DELIVERED', 'SENT']);
    await carol!.client.data('MarkDelivered', { chatId, seq: 3 });
    expect(await statuses()).toEqual(['DELIVERED', 'DELIVERED']);

    expect(await unread(carol!)).toBe(3);
    expect(await unread(bob!)).toBe(2); // bob's own message does not count
    expect((await carol!.client.data('MarkRead', { chatId, seq: 2 })).markRead.unreadCount).toBe(1);
    expect((await bob!.client.data('MarkRead', { chatId, seq: 1 })).markRead.unreadCount).toBe(1);
    expect(await statuses()).toEqual(['READ', 'DELIVERED']);
    await bob!.client.data('MarkRead', { chatId, seq: 3 });
    expect(await statuses()).toEqual(['READ', 'READ']);

    // Marks only move forward.
    expect((await carol!.client.data('MarkRead', { chatId, seq: 1 })).markRead.unreadCount).toBe(1);
    await carol!.client.data('MarkDelivered', { chatId, seq: 0 });
    const mark = await db.chatMember.findUniqueOrThrow({
      where: { chatId_userId: { chatId, userId: carol!.id } },
    });
    expect(mark).toMatchObject({ deliveredSeq: 3, readSeq: 2 });

    // markRead implies delivered.
    const [dave] = await users(1);
    await alice!.client.data('AddMembers', { chatId, userIds: [dave!.id] });
    expect(await statuses()).toEqual(['SENT', 'SENT']);
    await dave!.client.data('MarkRead', { chatId, seq: 2 });
    expect(await statuses()).toEqual(['READ', 'READ']);

    for (const seq of [-1, 4])
      expect(errorCode(await bob!.client.op('MarkRead', { chatId, seq }))).toBe('BAD_USER_INPUT');
  });

  it('does not count deleted messages as unread', async () => {
    const [alice, bob] = await users(2);
    const chatId = await directChat(alice!, bob!);
    const gone = await send(alice!, chatId);
    await send(alice!, chatId);
    await alice!.client.data('DeleteMessage', { id: gone.id });
    expect((await bob!.client.data('MarkRead', { chatId, seq: 0 })).markRead.unreadCount).toBe(1);
  });
});

describe('blocks', () => {
  it('refuses opening and sending into a direct chat either way while one blocked the other', async () => {
    const [alice, bob, carol] = await users(3);
    const chatId = await directChat(alice!, bob!);
    await send(alice!, chatId);
    await db.blockProjection.create({ data: { blockerId: bob!.id, blockedId: alice!.id } });
    await db.blockProjection.create({ data: { blockerId: carol!.id, blockedId: alice!.id } });

    for (const [from, to] of [
      [alice!, bob!],
      [bob!, alice!],
    ] as const) {
      expect(errorCode(await from.client.op('CreateDirectChat', { userId: to.id }))).toBe('FORBIDDEN');
      const result = await from.client.op('SendMessage', {
        input: { chatId, clientId: randomUUID(), body: 'still there?' },
      });
      expect(errorCode(result)).toBe('FORBIDDEN');
    }
    expect(errorCode(await carol!.client.op('CreateDirectChat', { userId: alice!.id }))).toBe('FORBIDDEN');
    expect((await chatRow(chatId)).lastSeq).toBe(1);

    // Groups are not direct chats: a block does not silence a group.
    const grp = await group(bob!, [alice!]);
    expect((await send(alice!, grp)).seq).toBe(1);

    await db.blockProjection.delete({
      where: { blockerId_blockedId: { blockerId: bob!.id, blockedId: alice!.id } },
    });
    expect((await send(alice!, chatId)).seq).toBe(2);
  });
});

describe('authorization', () => {
  it('answers anonymous callers with UNAUTHENTICATED', async () => {
    const [alice, bob] = await users(2);
    const chatId = await directChat(alice!, bob!);
    const message = await send(alice!, chatId);
    const operations: [string, Record<string, unknown>][] = [
      ['ChatList', {}],
      ['ChatHistory', { chatId }],
      ['ChatCatchUp', { chatId }],
      ['CreateDirectChat', { userId: bob!.id }],
      ['CreateGroup', { input: { title: 'x', memberIds: [] } }],
      ['AddMembers', { chatId, userIds: [] }],
      ['RemoveMember', { chatId, userId: bob!.id }],
      ['LeaveChat', { chatId }],
      ['SendMessage', { input: { chatId, clientId: 'anon', body: 'x' } }],
      ['EditMessage', { id: message.id, body: 'x' }],
      ['DeleteMessage', { id: message.id }],
      ['React', { messageId: message.id, emoji: '👍' }],
      ['MarkDelivered', { chatId, seq: 1 }],
      ['MarkRead', { chatId, seq: 1 }],
    ];
    for (const [name, variables] of operations)
      expect(errorCode(await anonymous.op(name, variables)), name).toBe('UNAUTHENTICATED');
    expect(await messageCount(chatId)).toBe(1);
  });

  it('gives a non-member exactly what a chat that does not exist gives, for reads and writes', async () => {
    const [alice, bob, stranger] = await users(3);
    const chatId = await group(alice!, [bob!]);
    await send(alice!, chatId);
    const before = await chatRow(chatId);
    const operations: [string, (id: string) => Record<string, unknown>][] = [
      ['ChatHistory', (id) => ({ chatId: id, last: 5 })],
      ['ChatCatchUp', (id) => ({ chatId: id, first: 5 })],
      ['SendMessage', (id) => ({ input: { chatId: id, clientId: randomUUID(), body: 'x' } })],
      ['AddMembers', (id) => ({ chatId: id, userIds: [stranger!.id] })],
      ['RemoveMember', (id) => ({ chatId: id, userId: bob!.id })],
      ['LeaveChat', (id) => ({ chatId: id })],
      ['MarkDelivered', (id) => ({ chatId: id, seq: 1 })],
      ['MarkRead', (id) => ({ chatId: id, seq: 1 })],
    ];
    for (const [name, variables] of operations) {
      const unknown = await stranger!.client.op(name, variables(randomUUID()));
      expectSameNotFound(await stranger!.client.op(name, variables(chatId)), unknown);
      // An id that is not even a UUID: the same answer, no database error.
      expectSameNotFound(await stranger!.client.op(name, variables('chat-1')), unknown);
    }
    expect(await chatRow(chatId)).toEqual(before);
    expect(await db.chatMember.count({ where: { chatId } })).toBe(2);
    const list = (await stranger!.client.data('ChatList', {})).chats.edges;
    expect(list).toEqual([]);
  });

  it('checks membership on entity references too (the gateway’s other way in)', async () => {
    const [alice, bob, stranger] = await users(3);
    const chatId = await directChat(alice!, bob!);
    const message = await send(alice!, chatId);
    const entities = async (userId: string) => {
      const response = await fetch(stack.subgraphs.chats.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [INTERNAL_IDENTITY_HEADER]: await gatewayToken(stack.config, { userId }, 'chats'),
        },
        body: JSON.stringify({
          query: `query($r: [_Any!]!) { _entities(representations: $r) {
            ... on Chat { id lastMessage { seq } } ... on Message { id seq } } }`,
          variables: {
            r: [
              { __typename: 'Chat', id: chatId },
              { __typename: 'Message', id: message.id },
            ],
          },
        }),
      });
      return (await response.json()) as GraphQLResponse;
    };
    expect((await entities(bob!.id)).data!['_entities']).toEqual([
      { id: chatId, lastMessage: { seq: 1 } },
      { id: message.id, seq: 1 },
    ]);
    const refused = await entities(stranger!.id);
    expect(refused.data!['_entities']).toEqual([null, null]);
    expect(refused.errors!.map((e) => e.extensions?.['code'])).toEqual(['NOT_FOUND', 'NOT_FOUND']);
  });
});
