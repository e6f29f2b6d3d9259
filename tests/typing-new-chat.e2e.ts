import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, errorCode, signUp } from './support/client.ts';
import { startStack, type Stack } from './support/stack.ts';
import { subscribe, wsClient, type Subscription } from './support/subscriptions.ts';
import { waitFor } from './support/wait.ts';

/**
 * Typing in a chat the moment it exists (issue 23): presence answers access from its projection of
 * chats' membership, which comes by the durable path (outbox, relay, worker), later than
 * createDirectChat answers. Here no worker runs, so the projection never arrives: every member
 * must still be let in, because presence asks chats on a miss.
 */

let stack: Stack;
const sockets: { dispose(): void | Promise<void> }[] = [];

beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(async () => {
  await Promise.all(sockets.map((socket) => socket.dispose()));
  await stack?.stop();
});

describe('typing in a chat just created', () => {
  it('lets ten people start chats at once and type in them at once: no NOT_FOUND', async () => {
    const base = new Client(stack.gateway.url);
    const alice = await signUp(base, 'Alice');
    const others = await Promise.all(Array.from({ length: 10 }, (_, i) => signUp(base, `Friend ${i}`)));
    const socket = wsClient(stack.gateway.url, alice.client.token);
    sockets.push(socket);
    const before = stack.gateway.activeSubscriptions();

    // Each friend starts a chat with Alice, and at once Alice follows its typing and the friend types.
    const chats = await Promise.all(
      others.map(async (friend) => {
        const { createDirectChat } = await friend.client.data<{ createDirectChat: { id: string } }>(
          'CreateDirectChat',
          { userId: alice.id },
        );
        return { friend, chatId: createDirectChat.id };
      }),
    );
    const typing: Subscription[] = chats.map(({ chatId }) => subscribe(socket, 'Typing', { chatId }));
    await waitFor(
      async () =>
        stack.gateway.activeSubscriptions() === before + chats.length ||
        (await Promise.race([
          Promise.any(typing.map((subscription) => subscription.ended)).then(() => true),
          new Promise<false>((resolve) => setTimeout(() => resolve(false), 50)),
        ])),
      15_000,
      'every Typing subscription to start or end',
    );
    const refused = await Promise.all(
      typing.map((subscription) =>
        Promise.race([subscription.ended, new Promise((resolve) => setTimeout(() => resolve('open'), 100))]),
      ),
    );
    expect(refused.filter((ended) => ended !== 'open')).toEqual([]);

    const set = await Promise.all(
      chats.map(({ friend, chatId }) => friend.client.op('SetTyping', { chatId, isTyping: true })),
    );
    expect(set.map((result) => errorCode(result) ?? result.data?.['setTyping'])).toEqual(
      chats.map(() => true),
    );
    for (const [i, subscription] of typing.entries())
      expect((await subscription.nth(1)).data!['typing']).toMatchObject({
        chatId: chats[i]!.chatId,
        isTyping: true,
        user: { id: chats[i]!.friend.id },
      });
  });

  it('still refuses someone who is not a member', async () => {
    const base = new Client(stack.gateway.url);
    const [alice, bob, eve] = await Promise.all([signUp(base), signUp(base), signUp(base)]);
    const { createDirectChat } = await alice.client.data<{ createDirectChat: { id: string } }>(
      'CreateDirectChat',
      { userId: bob.id },
    );
    expect(errorCode(await eve.client.op('SetTyping', { chatId: createDirectChat.id, isTyping: true }))).toBe(
      'NOT_FOUND',
    );
    const socket = wsClient(stack.gateway.url, eve.client.token);
    sockets.push(socket);
    const ended = (await subscribe(socket, 'Typing', { chatId: createDirectChat.id }).ended) as {
      extensions?: { code?: string };
    }[];
    expect(ended[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
