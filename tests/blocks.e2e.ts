import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, errorCode, signUp } from './support/client.ts';
import { startStack, type Stack } from './support/stack.ts';

let stack: Stack;
let anonymous: Client;
beforeAll(async () => {
  stack = await startStack();
  anonymous = new Client(stack.gateway.url);
});
afterAll(() => stack?.stop());

describe('blocking, from users to chats through domain events', () => {
  it('a block in users makes chats refuse direct messages both ways, and an unblock lifts it', async () => {
    const [alice, bob] = await Promise.all([signUp(anonymous), signUp(anonymous)]);
    const chatId = (await alice.client.data('CreateDirectChat', { userId: bob.id })).createDirectChat.id;
    const send = (user: typeof alice) =>
      user.client.op('SendMessage', { input: { chatId, clientId: randomUUID(), body: 'hi' } });
    expect(errorCode(await send(bob))).toBeUndefined();

    await alice.client.data('BlockUser', { userId: bob.id });
    // chats learns of the block through users' outbox, the relay, BullMQ and its projection.
    await expect.poll(async () => errorCode(await send(bob)), { timeout: 10_000 }).toBe('FORBIDDEN');
    expect(errorCode(await send(alice))).toBe('FORBIDDEN');
    expect(errorCode(await bob.client.op('CreateDirectChat', { userId: alice.id }))).toBe('FORBIDDEN');

    await alice.client.data('UnblockUser', { userId: bob.id });
    await expect.poll(async () => errorCode(await send(bob)), { timeout: 10_000 }).toBeUndefined();
  });
});
