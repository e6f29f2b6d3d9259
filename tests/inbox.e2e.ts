import { randomUUID } from 'node:crypto';
import { pgAdapter } from '@switchboard/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaClient } from '../subgraphs/chats/src/generated/prisma/client.ts';
import { pruneInbox } from '../subgraphs/chats/src/inboxRetention.ts';
import { Client, errorCode } from './support/client.ts';
import { signUpWithDevices, type Device, type InboxEntry, type Person } from './support/devices.ts';
import { redisConnection } from '@switchboard/messaging';
import { killOwnPubsubConnections } from './support/redis.ts';
import { startStack, type Stack } from './support/stack.ts';
import { subscribe, wsClient, type Subscription } from './support/subscriptions.ts';
import { waitFor } from './support/wait.ts';

/**
 * One inbox per device (docs/devices-and-inbox.md), through the gateway with the contract's
 * documents: everything a device is owed in one order, resumed from one cursor.
 */

let stack: Stack;
let anonymous: Client;
const sockets: ReturnType<typeof wsClient>[] = [];

beforeAll(async () => {
  stack = await startStack();
  anonymous = new Client(stack.gateway.url);
});
afterAll(async () => {
  for (const socket of sockets) await socket.dispose();
  await stack?.stop();
});

const person = (devices = 1) => signUpWithDevices(anonymous, devices);

type Entry = InboxEntry;

function inbox(device: Device, after: string | null = null): Subscription<{ inbox: Entry }> {
  const socket = wsClient(stack.gateway.url, device.client.token);
  sockets.push(socket);
  return subscribe<{ inbox: Entry }>(socket, 'Inbox', { after });
}

/** The entries received so far (failing on any error payload). */
function entries(sub: Subscription<{ inbox: Entry }>): Entry[] {
  for (const result of sub.results) expect(result.errors).toBeUndefined();
  return sub.results.map((result) => result.data!.inbox);
}

/** Waits for the n-th entry whose event is of `typename` and returns it. */
async function waitForEvent(
  sub: Subscription<{ inbox: Entry }>,
  typename: string,
  n = 1,
  match: (entry: Entry) => boolean = () => true,
): Promise<Entry> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const found = entries(sub).filter((entry) => entry.event.__typename === typename && match(entry));
    if (found.length >= n) return found[n - 1]!;
    if (Date.now() > deadline)
      throw new Error(`No ${typename} #${n}; got ${JSON.stringify(entries(sub).map((e) => e.event))}`);
    await sub.nth(sub.results.length + 1, 200).catch(() => undefined);
  }
}

const send = async (device: Device, chatId: string, body: string) =>
  (
    await device.client.data('SendMessage', {
      input: { chatId, clientId: randomUUID(), body },
    })
  ).sendMessage as { id: string; seq: number };

const directChat = async (a: Device, b: Person) =>
  (await a.client.data('CreateDirectChat', { userId: b.id })).createDirectChat.id as string;

describe('inbox', () => {
  it('delivers messages, changes, receipts and membership to every device, then CaughtUp', async () => {
    const alice = await person(2);
    const bob = await person();
    const [phone, laptop] = alice.devices as [Device, Device];
    const bobPhone = bob.devices[0]!;
    const subs = [inbox(phone), inbox(laptop), inbox(bobPhone)];
    for (const sub of subs) {
      const caughtUp = await waitForEvent(sub, 'CaughtUp');
      expect(caughtUp.event['backlog']).toBe(0);
    }

    const chatId = await directChat(bobPhone, alice);
    const hello = await send(bobPhone, chatId, 'hello');
    for (const sub of subs) {
      expect((await waitForEvent(sub, 'ChatJoined')).event['chat'].id).toBe(chatId);
      const added = await waitForEvent(sub, 'MessageAdded');
      expect(added.event['message']).toMatchObject({
        id: hello.id,
        seq: 1,
        body: 'hello',
        chat: { id: chatId },
      });
      expect(added.event['message'].sender.id).toBe(bob.id);
    }

    await bobPhone.client.data('EditMessage', { id: hello.id, body: 'hello, edited' });
    const edited = await waitForEvent(subs[1]!, 'MessageChanged');
    expect(edited.event['message']).toMatchObject({ id: hello.id, body: 'hello, edited' });

    await laptop.client.data('MarkRead', { chatId, seq: 1 });
    const receipt = await waitForEvent(subs[2]!, 'ReceiptChanged');
    expect(receipt.event).toMatchObject({ chat: { id: chatId }, user: { id: alice.id }, readSeq: 1 });
    // The sender's status moved to READ: a change of the message, for every member device.
    const status = await waitForEvent(
      subs[2]!,
      'MessageChanged',
      1,
      (e) => e.event['message'].status === 'READ',
    );
    expect(status.event['message'].id).toBe(hello.id);
    // Alice's other device learns her own read mark too.
    expect((await waitForEvent(subs[0]!, 'ReceiptChanged')).event['readSeq']).toBe(1);

    // One order per device: cursors strictly follow each other, no duplicate.
    for (const sub of subs) {
      const cursors = entries(sub).map((entry) => entry.cursor);
      expect(new Set(cursors).size).toBe(cursors.length);
    }
  });

  it('resumes a device that was away from its cursor: backlog in order, CaughtUp, then live', async () => {
    const alice = await person();
    const bob = await person();
    const device = alice.devices[0]!;
    const chatId = await directChat(bob.devices[0]!, alice);
    const first = inbox(device);
    await waitForEvent(first, 'CaughtUp');
    const kept = await send(bob.devices[0]!, chatId, 'before');
    const seen = await waitForEvent(first, 'MessageAdded');
    first.close();

    // Away: messages, an edit, a deletion and a reaction.
    const sent = [];
    for (const body of ['one', 'two', 'three']) sent.push(await send(bob.devices[0]!, chatId, body));
    await bob.devices[0]!.client.data('EditMessage', { id: sent[0]!.id, body: 'one, edited' });
    await bob.devices[0]!.client.data('DeleteMessage', { id: sent[1]!.id });
    await bob.devices[0]!.client.data('React', { messageId: kept.id, emoji: '👍' });

    const back = inbox(device, seen.cursor);
    const caughtUp = await waitForEvent(back, 'CaughtUp');
    const backlog = entries(back).slice(0, entries(back).indexOf(caughtUp));
    expect(caughtUp.event['backlog']).toBe(backlog.length);
    expect(backlog.map((entry) => entry.event.__typename)).toEqual([
      'MessageAdded',
      'MessageAdded',
      'MessageAdded',
      'MessageChanged',
      'MessageChanged',
      'MessageChanged',
    ]);
    expect(backlog.slice(0, 3).map((entry) => entry.event['message'].seq)).toEqual([2, 3, 4]);
    expect(backlog[4]!.event['message']).toMatchObject({ id: sent[1]!.id, body: null });
    expect(backlog[5]!.event['message'].reactions).toEqual([{ emoji: '👍', count: 1, reactedByMe: false }]);

    const live = await send(bob.devices[0]!, chatId, 'live');
    const after = await waitForEvent(back, 'MessageAdded', 4);
    expect(after.event['message'].id).toBe(live.id);
    expect(entries(back).indexOf(after)).toBeGreaterThan(entries(back).indexOf(caughtUp));
  });

  it('sends nothing of a chat after ChatLeft, even to a cursor from before', async () => {
    const owner = await person();
    const carol = await person();
    const carolDevice = carol.devices[0]!;
    const group = (
      await owner.devices[0]!.client.data('CreateGroup', { input: { title: 'Team', memberIds: [carol.id] } })
    ).createGroup.id as string;
    const sub = inbox(carolDevice);
    await waitForEvent(sub, 'CaughtUp');
    await send(owner.devices[0]!, group, 'still in');
    const before = await waitForEvent(sub, 'MessageAdded');
    await owner.devices[0]!.client.data('RemoveMember', { chatId: group, userId: carol.id });
    expect((await waitForEvent(sub, 'ChatLeft')).event['chatId']).toBe(group);
    await send(owner.devices[0]!, group, 'after she left');
    sub.close();

    // From the store: the entries after `before` are the ChatLeft and nothing else of the group.
    const replay = inbox(carolDevice, before.cursor);
    const caughtUp = await waitForEvent(replay, 'CaughtUp');
    expect(caughtUp.event['backlog']).toBe(1);
    expect(entries(replay)[0]!.event).toEqual({ __typename: 'ChatLeft', chatId: group });
  });

  it('refuses a cursor of another device, or one that is not a cursor, with RESYNC_REQUIRED', async () => {
    const alice = await person(2);
    const [phone, laptop] = alice.devices as [Device, Device];
    const bob = await person();
    const chatId = await directChat(bob.devices[0]!, alice);
    const sub = inbox(phone);
    await waitForEvent(sub, 'CaughtUp');
    await send(bob.devices[0]!, chatId, 'x');
    const { cursor } = await waitForEvent(sub, 'MessageAdded');

    for (const after of [cursor, 'not-a-cursor']) {
      const refused = inbox(laptop, after);
      const error = (await refused.ended) as { extensions?: { code?: string } }[];
      expect(error[0]?.extensions?.code).toBe('RESYNC_REQUIRED');
    }
    // ackInbox: the device's own cursor is taken; another device's is refused.
    expect((await phone.client.data('AckInbox', { cursor })).ackInbox).toBe(true);
    expect(errorCode(await laptop.client.op('AckInbox', { cursor }))).toBe('FORBIDDEN');
    expect(errorCode(await laptop.client.op('AckInbox', { cursor: 'zz' }))).toBe('BAD_USER_INPUT');
  });

  it('answers RESYNC_REQUIRED for a cursor older than what is kept, and resumes from now', async () => {
    const alice = await person();
    const bob = await person();
    const device = alice.devices[0]!;
    const chatId = await directChat(bob.devices[0]!, alice);
    const sub = inbox(device);
    await waitForEvent(sub, 'CaughtUp');
    await send(bob.devices[0]!, chatId, 'old');
    const { cursor } = await waitForEvent(sub, 'MessageAdded');
    await send(bob.devices[0]!, chatId, 'old too');
    await waitForEvent(sub, 'MessageAdded', 2);
    sub.close();

    const db = new PrismaClient({ adapter: pgAdapter(stack.config.databaseUrls.chats, 1) });
    try {
      await db.$executeRaw`UPDATE "chats"."InboxEntry" SET "createdAt" = now() - interval '8 days'
        WHERE "deviceId" = ${device.deviceId}::uuid`;
      // And an inbox of no device (appended while its device was being revoked) goes too.
      const orphan = randomUUID();
      await db.$executeRaw`INSERT INTO "chats"."InboxHead" ("deviceId", "userId", "pos", "createdAt")
        VALUES (${orphan}::uuid, ${alice.id}::uuid, 1, now() - interval '2 minutes')`;
      await db.$executeRaw`INSERT INTO "chats"."InboxEntry" ("deviceId", "pos", "kind", "payload")
        VALUES (${orphan}::uuid, 1, 'ChatLeft', '{}')`;
      expect(await pruneInbox(db, 7)).toBeGreaterThanOrEqual(4);
      expect(await db.inboxHead.count({ where: { deviceId: orphan } })).toBe(0);
      expect(await db.inboxEntry.count({ where: { deviceId: orphan } })).toBe(0);
    } finally {
      await db.$disconnect();
    }
    const stale = inbox(device, cursor);
    const error = (await stale.ended) as { extensions?: { code?: string } }[];
    expect(error[0]?.extensions?.code).toBe('RESYNC_REQUIRED');
    const fresh = inbox(device);
    expect((await waitForEvent(fresh, 'CaughtUp')).event['backlog']).toBe(0);
    const live = await send(bob.devices[0]!, chatId, 'new');
    expect((await waitForEvent(fresh, 'MessageAdded')).event['message'].id).toBe(live.id);
  });

  it('loses no entry and keeps their order when the live "look" messages are lost', async () => {
    const alice = await person();
    const bob = await person();
    const chatId = await directChat(bob.devices[0]!, alice);
    const sub = inbox(alice.devices[0]!);
    await waitForEvent(sub, 'CaughtUp');
    const redis = redisConnection(stack.config.redisUrl);
    const sent: number[] = [];
    try {
      // Every other send happens while this process's pub/sub connections are being cut.
      for (let i = 0; i < 12; i += 1) {
        // Once the subscriber reconnected (so each cut is a real loss, not a no-op).
        if (i % 2 === 0) await waitFor(() => killOwnPubsubConnections(redis), 10_000, 'a connection to cut');
        sent.push((await send(bob.devices[0]!, chatId, `m${i}`)).seq);
      }
    } finally {
      redis.disconnect();
    }
    // The last one too: found by the reconcile once the channel is quiet, without another send.
    await waitForEvent(sub, 'MessageAdded', sent.length);
    const seqs = entries(sub)
      .filter((entry) => entry.event.__typename === 'MessageAdded')
      .map((entry) => entry.event['message'].seq as number);
    expect(seqs).toEqual(sent);
  }, 60_000);
});
