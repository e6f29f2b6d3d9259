import { randomUUID } from 'node:crypto';
import type * as Messaging from '@switchboard/messaging';
import { liveChannel, type LiveEvent, type LivePublisher } from '@switchboard/messaging';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Client, errorCode, signUp } from './support/client.ts';
import { startStack, type Stack } from './support/stack.ts';
import { subscribe, wsClient, type Subscription } from './support/subscriptions.ts';
import { waitFor } from './support/wait.ts';

/**
 * Access to a chat's live events never rests on a `liveAccess` event arriving (issue 18): every
 * event of a chat carries its membership version (`accessVersion`), and a gateway that granted
 * access at an older one asks chats again before delivering it.
 *
 * A lost revocation is made deterministic here: the stack's live publishers drop the `liveAccess`
 * events of the users in `lost`, as a publish that failed would (Redis unreachable for a moment).
 */
const loss = vi.hoisted(() => ({ users: new Set<string>(), dropped: [] as [string, unknown][] }));

vi.mock('@switchboard/messaging', async (importOriginal) => {
  const messaging = await importOriginal<typeof Messaging>();
  return {
    ...messaging,
    createLivePublisher(...args: Parameters<typeof messaging.createLivePublisher>): LivePublisher {
      const publisher = messaging.createLivePublisher(...args);
      return {
        ...publisher,
        async publish(channel: string, event: LiveEvent) {
          if (event.type === 'liveAccess' && [...loss.users].some((id) => channel === `user:${id}`)) {
            loss.dropped.push([channel, event]);
            return;
          }
          await publisher.publish(channel, event);
        },
      };
    },
  };
});

type User = Awaited<ReturnType<typeof signUp>>;

let stack: Stack;
let anonymous: Client;
const sockets: { dispose(): void | Promise<void> }[] = [];

beforeAll(async () => {
  stack = await startStack();
  anonymous = new Client(stack.gateway.url);
});
afterAll(async () => {
  await Promise.all(sockets.map((socket) => socket.dispose()));
  await stack?.stop();
});

/** Subscribes and waits until the gateway listens for it (one at a time, as realtime.e2e.ts does). */
async function listen(user: User, operation: string, variables: Record<string, unknown>) {
  const socket = wsClient(stack.gateway.url, user.client.token);
  sockets.push(socket);
  const before = stack.gateway.activeSubscriptions();
  const subscription = subscribe(socket, operation, variables);
  await waitFor(() => stack.gateway.activeSubscriptions() > before, 10_000, `${operation} to be listening`);
  return subscription;
}

const send = async (user: User, chatId: string, body: string) =>
  (await user.client.data('SendMessage', { input: { chatId, clientId: randomUUID(), body } }))
    .sendMessage as { id: string; seq: number };

/** Waits for a subscription's first payload or its end, whichever comes first; answers its end's error. */
async function endedBeforeAnyPayload(sub: Subscription): Promise<unknown> {
  let ended: { error: unknown } | undefined;
  void sub.ended.then((error) => (ended = { error }));
  await waitFor(() => ended || sub.results.length > 0, 10_000, 'a payload or the end');
  expect(sub.results).toEqual([]);
  return ended!.error;
}

const bodies = (sub: Subscription) => sub.results.map((result) => result.data!['messageAdded'].body);

describe('access versions', () => {
  it('stops delivering a group to a removed member whose revocation was lost, and keeps the others', async () => {
    const [alice, bob, carol] = await Promise.all([signUp(anonymous), signUp(anonymous), signUp(anonymous)]);
    const chatId = (
      await alice.client.data('CreateGroup', { input: { title: 'Access', memberIds: [bob.id, carol.id] } })
    ).createGroup.id as string;
    const direct = (await alice.client.data('CreateDirectChat', { userId: bob.id })).createDirectChat
      .id as string;
    const message = await send(alice, chatId, 'before');

    const bobAdded = await listen(bob, 'MessageAdded', {});
    const bobUpdated = await listen(bob, 'MessageUpdated', { chatId });
    const carolAdded = await listen(carol, 'MessageAdded', {});
    const carolUpdated = await listen(carol, 'MessageUpdated', { chatId });

    loss.users.add(bob.id);
    await alice.client.data('RemoveMember', { chatId, userId: bob.id });
    expect(loss.dropped).toEqual([
      [liveChannel.user(bob.id), { type: 'liveAccess', channel: liveChannel.chat(chatId), granted: false }],
    ]);

    const sent = ['one', 'two', 'three', 'four', 'five'];
    for (const body of sent) await send(alice, chatId, body);
    await alice.client.data('EditMessage', { id: message.id, body: 'edited' });
    // bob's other chat goes on: its message is the marker that the group's went out before it.
    await send(alice, direct, 'marker');

    await carolAdded.nth(sent.length);
    expect(bodies(carolAdded)).toEqual(sent);
    expect((await carolUpdated.nth(1)).data!['messageUpdated']).toMatchObject({
      id: message.id,
      body: 'edited',
    });
    // A named chat ends with FORBIDDEN, as a revocation that arrived would end it.
    const error = (await endedBeforeAnyPayload(bobUpdated)) as { extensions?: { code?: string } }[];
    expect(error[0]?.extensions?.code).toBe('FORBIDDEN');
    await bobAdded.nth(1);
    expect(bodies(bobAdded)).toEqual(['marker']);
  });

  it('ends a removed member’s typing once presence has the removal, though the revocation was lost', async () => {
    const [alice, bob, carol] = await Promise.all([signUp(anonymous), signUp(anonymous), signUp(anonymous)]);
    const chatId = (
      await alice.client.data('CreateGroup', { input: { title: 'Typing', memberIds: [bob.id, carol.id] } })
    ).createGroup.id as string;
    // presence learns membership from chats' events (its projection, with the chat's version).
    const setTyping = (user: User, isTyping: boolean) => user.client.op('SetTyping', { chatId, isTyping });
    for (const user of [alice, bob, carol])
      await waitFor(async () => (await setTyping(user, false)).data?.['setTyping'] === true);
    const aliceTyping = await listen(alice, 'Typing', { chatId });
    const bobTyping = await listen(bob, 'Typing', { chatId });

    loss.users.add(bob.id);
    await alice.client.data('RemoveMember', { chatId, userId: bob.id });
    // (false: nothing to announce, so asking has no effect while presence still has bob)
    await waitFor(async () => errorCode(await setTyping(bob, false)) === 'NOT_FOUND');
    await setTyping(carol, true);

    expect((await aliceTyping.nth(1)).data!['typing']).toMatchObject({
      isTyping: true,
      user: { id: carol.id },
    });
    const error = (await endedBeforeAnyPayload(bobTyping)) as { extensions?: { code?: string } }[];
    expect(error[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
