import { randomUUID } from 'node:crypto';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import {
  DEV_JWT_SECRET,
  GATEWAY_ISSUER,
  createIdentitySigner,
  signUserToken,
  type IdentitySigner,
} from '@switchboard/core';
import { pgAdapter } from '@switchboard/db';
import { createRpcTransport } from '@switchboard/rpc';
import { ChatsService } from '@switchboard/rpc/chats/v1';
import { PresenceService } from '@switchboard/rpc/presence/v1';
import { UsersService } from '@switchboard/rpc/users/v1';
import { createWorker } from '@switchboard/worker';
import { Queue } from 'bullmq';
import { SignJWT } from 'jose';
import { redisConnection } from '@switchboard/messaging';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaClient as ChatsDb } from '../subgraphs/chats/src/generated/prisma/client.ts';
import { PrismaClient as UsersDb } from '../subgraphs/users/src/generated/prisma/client.ts';
import { Client, errorCode, signUp, type GraphQLResponse } from './support/client.ts';
import { startStack, workerConfig, type Stack } from './support/stack.ts';
import { wsUrl } from './support/subscriptions.ts';

// No worker: chats' block projection learns nothing through events here, only through users' call.
let stack: Stack;
let anonymous: Client;
let chatsDb: ChatsDb;
let usersDb: UsersDb;
beforeAll(async () => {
  stack = await startStack({ worker: false });
  anonymous = new Client(stack.gateway.url);
  chatsDb = new ChatsDb({ adapter: pgAdapter(stack.config.databaseUrls.chats, 2) });
  usersDb = new UsersDb({ adapter: pgAdapter(stack.config.databaseUrls.users, 2) });
});
afterAll(async () => {
  await Promise.all([chatsDb?.$disconnect(), usersDb?.$disconnect()]);
  await stack?.stop();
});

type User = Awaited<ReturnType<typeof signUp>>;
const send = (user: User, chatId: string) =>
  user.client.op('SendMessage', { input: { chatId, clientId: randomUUID(), body: 'hi' } });
const firstError = (result: GraphQLResponse) => result.errors?.[0]?.extensions ?? {};

async function direct(): Promise<{ alice: User; bob: User; chatId: string }> {
  const [alice, bob] = await Promise.all([signUp(anonymous, 'Alice'), signUp(anonymous, 'Bob')]);
  const chatId = (await alice.client.data('CreateDirectChat', { userId: bob.id })).createDirectChat.id;
  return { alice, bob, chatId };
}

/** Everything chats stored about a user: memberships and their ChatMemberJoined events. */
async function storedAbout(userId: string) {
  const [members, events, directChats] = await Promise.all([
    chatsDb.chatMember.count({ where: { userId } }),
    chatsDb.outboxEvent.count({ where: { payload: { path: ['userId'], equals: userId } } }),
    chatsDb.chat.count({ where: { directKey: { contains: userId } } }),
  ]);
  return { members, events, directChats };
}

describe('ids of no user (issue 12, item 3)', () => {
  it('createDirectChat, createGroup and addMembers refuse them with BAD_USER_INPUT and store nothing', async () => {
    const [alice, bob] = await Promise.all([signUp(anonymous), signUp(anonymous)]);
    const ghost = randomUUID();

    const directChat = await alice.client.op('CreateDirectChat', { userId: ghost });
    expect(errorCode(directChat)).toBe('BAD_USER_INPUT');
    expect(firstError(directChat)).toMatchObject({ field: 'userId', unknownUserIds: [ghost] });
    expect(directChat.data ?? null).toBeNull();

    const group = await alice.client.op('CreateGroup', { input: { title: 'g', memberIds: [bob.id, ghost] } });
    expect(errorCode(group)).toBe('BAD_USER_INPUT');
    expect(firstError(group)).toMatchObject({ field: 'memberIds', unknownUserIds: [ghost] });

    const chatId = (await alice.client.data('CreateGroup', { input: { title: 'g', memberIds: [bob.id] } }))
      .createGroup.id;
    const added = await alice.client.op('AddMembers', { chatId, userIds: [ghost] });
    expect(errorCode(added)).toBe('BAD_USER_INPUT');
    expect(firstError(added)).toMatchObject({ field: 'userIds', unknownUserIds: [ghost] });

    expect(await storedAbout(ghost)).toEqual({ members: 0, events: 0, directChats: 0 });
    // Only the group with Bob was stored, with its two members.
    expect(await chatsDb.chatMember.count({ where: { chatId } })).toBe(2);
    expect(await chatsDb.chatMember.count({ where: { userId: alice.id } })).toBe(1);
  });

  it('answers SERVICE_UNAVAILABLE, storing nothing, while users cannot say who exists', async () => {
    const [alice, bob] = await Promise.all([signUp(anonymous), signUp(anonymous)]);
    await alice.client.data('Me');
    await stack.restart('users', async () => {
      const group = await alice.client.op('CreateGroup', { input: { title: 'g', memberIds: [bob.id] } });
      expect(errorCode(group)).toBe('SERVICE_UNAVAILABLE');
      expect(firstError(group)['retryAfter']).toBeGreaterThanOrEqual(1);
    });
    expect(await storedAbout(bob.id)).toEqual({ members: 0, events: 0, directChats: 0 });
  });
});

describe('a signed token whose user does not exist (issue 12, item 3)', () => {
  const ghostToken = () =>
    signUserToken({ userId: randomUUID(), deviceId: randomUUID() }, DEV_JWT_SECRET, 3600);

  it('is refused at the gateway with UNAUTHENTICATED, over HTTP and over WebSocket (4403)', async () => {
    const someone = await signUp(anonymous);
    expect(errorCode(await someone.client.op('Me'))).toBeUndefined();

    const me = await anonymous.withToken(await ghostToken()).op('Me');
    expect(me.status).toBe(401);
    expect(errorCode(me)).toBe('UNAUTHENTICATED');
    expect(me.data ?? null).toBeNull();

    const socket = new WebSocket(wsUrl(stack.gateway.url), 'graphql-transport-ws');
    await new Promise((resolve) => socket.once('open', resolve));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send(
      JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${await ghostToken()}` } }),
    );
    expect(await closed).toBe(4403);
  });

  it('is asked of users once per user and remembered: a known user passes the door while users is down', async () => {
    const alice = await signUp(anonymous);
    await alice.client.data('Me');
    const stranger = await ghostToken();
    await stack.restart('users', async () => {
      // chats alone answers this: the gateway let Alice in from what it remembered.
      const chats = await alice.client.op('ChatList', { first: 5 });
      expect(errorCode(chats)).toBeUndefined();
      // A user it never saw cannot be checked now: retry later, not "signed out".
      const unknown = await anonymous.withToken(stranger).op('ChatList', { first: 5 });
      expect(unknown.status).toBe(503);
      expect(errorCode(unknown)).toBe('SERVICE_UNAVAILABLE');
      // Over WebSocket the same: a retryable close (1013), not 4403.
      const socket = new WebSocket(wsUrl(stack.gateway.url), 'graphql-transport-ws');
      const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
      await new Promise((resolve) => socket.once('open', resolve));
      socket.send(
        JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${stranger}` } }),
      );
      expect(await closed).toBe(1013);
    });
  });
});

describe('a block is in force when blockUser returns (issue 12, item 4)', () => {
  it('chats refuses the blocked user at once, and lifts it at once on unblock; the events change nothing after', async () => {
    const { alice, bob, chatId } = await direct();
    expect(errorCode(await send(bob, chatId))).toBeUndefined();

    await alice.client.data('BlockUser', { userId: bob.id });
    // No worker runs: only users' call to chats can have told it.
    expect(errorCode(await send(bob, chatId))).toBe('FORBIDDEN');
    expect(errorCode(await send(alice, chatId))).toBe('FORBIDDEN');
    expect(errorCode(await bob.client.op('CreateDirectChat', { userId: alice.id }))).toBe('FORBIDDEN');

    await alice.client.data('UnblockUser', { userId: bob.id });
    expect(errorCode(await send(bob, chatId))).toBeUndefined();

    // The durable events arrive afterwards, older than nothing chats has: the projection stays unblocked.
    const redis = redisConnection(stack.config.redisUrl);
    const queue = new Queue('chats-projections', { connection: redis, prefix: stack.config.queuePrefix });
    const worker = createWorker({
      ...workerConfig(stack.config, stack.subgraphs.presence.rpcUrl),
      log: () => {},
    });
    try {
      await worker.start();
      const pair = { blockerId: alice.id, blockedId: bob.id };
      const eventIds = (
        await usersDb.outboxEvent.findMany({
          where: { type: { in: ['UserBlocked', 'UserUnblocked'] }, payload: { equals: pair } },
        })
      ).map((event) => event.eventId);
      expect(eventIds).toHaveLength(2);
      await expect
        .poll(async () => (await Promise.all(eventIds.map((id) => queue.getJobState(id)))).join(), {
          timeout: 15_000,
        })
        .toBe('completed,completed');
      expect(errorCode(await send(bob, chatId))).toBeUndefined();
    } finally {
      await worker.stop();
      await queue.close();
      redis.disconnect();
    }
  });

  it('answers SERVICE_UNAVAILABLE when chats cannot be told; the block is saved, and a retry puts it in force', async () => {
    const { alice, bob, chatId } = await direct();
    await stack.restart('chats', async () => {
      const blocked = await alice.client.op('BlockUser', { userId: bob.id });
      expect(errorCode(blocked)).toBe('SERVICE_UNAVAILABLE');
      expect(firstError(blocked)['retryAfter']).toBeGreaterThanOrEqual(1);
    });
    expect(await usersDb.block.count({ where: { blockerId: alice.id, blockedId: bob.id } })).toBe(1);
    // Not in force yet (no worker brings the event here): the error was the truth.
    expect(errorCode(await send(bob, chatId))).toBeUndefined();

    expect(await alice.client.data('BlockUser', { userId: bob.id })).toEqual({ blockUser: true });
    expect(errorCode(await send(bob, chatId))).toBe('FORBIDDEN');

    // An unblock that cannot reach chats succeeds: chats keeps refusing until the event tells it.
    await stack.restart('chats', async () => {
      expect(await alice.client.data('UnblockUser', { userId: bob.id })).toEqual({ unblockUser: true });
    });
    expect(errorCode(await send(bob, chatId))).toBe('FORBIDDEN');
  });
});

describe('the internal gRPC plane', () => {
  const keys = () => ({
    gateway: stack.config.internalSigningKey,
    ...stack.config.serviceKeys,
  });
  const client = <S extends typeof UsersService | typeof ChatsService | typeof PresenceService>(
    service: S,
    url: string,
    audience: string,
    issuer: keyof ReturnType<typeof keys>,
    signer: IdentitySigner = createIdentitySigner({ issuer, key: keys()[issuer] }),
  ) => createClient(service, createRpcTransport({ baseUrl: url, audience, signer }));
  const codeOf = (call: Promise<unknown>) =>
    call.then(
      () => 'ok',
      (error: unknown) => Code[ConnectError.from(error).code],
    );

  it('lets each issuer call only the methods meant for it', async () => {
    const { users, chats, presence } = stack.subgraphs;
    const alice = await signUp(anonymous);
    const change = { blockerId: alice.id, blockedId: randomUUID(), blocked: true, version: 1n };
    const membership = { chatId: randomUUID(), userId: alice.id };
    expect(
      await Promise.all([
        codeOf(client(UsersService, users.rpcUrl!, 'users', 'chats').exist({ userIds: [alice.id] })),
        codeOf(client(UsersService, users.rpcUrl!, 'users', GATEWAY_ISSUER).exist({ userIds: [alice.id] })),
        codeOf(client(UsersService, users.rpcUrl!, 'users', 'worker').exist({ userIds: [alice.id] })),
        codeOf(client(ChatsService, chats.rpcUrl!, 'chats', GATEWAY_ISSUER).applyBlock(change)),
        codeOf(client(ChatsService, chats.rpcUrl!, 'chats', 'worker').applyBlock(change)),
        codeOf(
          client(PresenceService, presence.rpcUrl, 'presence', 'worker').online({ userIds: [alice.id] }),
        ),
        codeOf(client(PresenceService, presence.rpcUrl, 'presence', 'chats').online({ userIds: [alice.id] })),
        // Who is a member of a chat: presence's question alone (issue 23).
        codeOf(client(ChatsService, chats.rpcUrl!, 'chats', 'presence').memberOf(membership)),
        codeOf(client(ChatsService, chats.rpcUrl!, 'chats', GATEWAY_ISSUER).memberOf(membership)),
        codeOf(client(ChatsService, chats.rpcUrl!, 'chats', 'worker').memberOf(membership)),
      ]),
    ).toEqual([
      'ok',
      'ok',
      'PermissionDenied',
      'PermissionDenied',
      'PermissionDenied',
      'ok',
      'PermissionDenied',
      'ok',
      'PermissionDenied',
      'PermissionDenied',
    ]);
    expect(await chatsDb.blockProjection.count({ where: { blockerId: alice.id } })).toBe(0);
  });

  it('refuses a token that names no audience on every method, each from an issuer it accepts (issue 17)', async () => {
    const { users, chats, presence } = stack.subgraphs;
    // The issuer's own key and claims, all but `aud`.
    const noAudience = (issuer: keyof ReturnType<typeof keys>): IdentitySigner => ({
      issuer,
      tokenFor: () =>
        new SignJWT({ uid: null })
          .setProtectedHeader({ alg: 'EdDSA', kid: issuer })
          .setIssuer(issuer)
          .setIssuedAt()
          .setExpirationTime('60s')
          .sign(keys()[issuer]),
    });
    const unnamed = <S extends typeof UsersService | typeof ChatsService | typeof PresenceService>(
      service: S,
      url: string,
      issuer: keyof ReturnType<typeof keys>,
    ) => client(service, url, '(none)', issuer, noAudience(issuer));
    // The stream's first answer, then the stream is cancelled.
    const firstAnswer = async (stream: AsyncIterable<unknown>) => {
      for await (const answer of stream) return answer;
      return undefined;
    };
    async function* register() {
      yield {
        kind: {
          case: 'register' as const,
          value: { gatewayId: `no-audience-${randomUUID()}`, leaseMs: 1_000 },
        },
      };
    }
    const change = { blockerId: randomUUID(), blockedId: randomUUID(), blocked: true, version: 1n };
    expect(
      await Promise.all([
        codeOf(unnamed(UsersService, users.rpcUrl!, GATEWAY_ISSUER).exist({ userIds: [] })),
        codeOf(unnamed(UsersService, users.rpcUrl!, 'chats').exist({ userIds: [] })),
        codeOf(unnamed(ChatsService, chats.rpcUrl!, 'users').applyBlock(change)),
        codeOf(unnamed(ChatsService, chats.rpcUrl!, 'users').applyDevice({})),
        codeOf(unnamed(ChatsService, chats.rpcUrl!, 'calls').appendCallSignals({})),
        codeOf(unnamed(ChatsService, chats.rpcUrl!, 'presence').memberOf({})),
        codeOf(unnamed(PresenceService, presence.rpcUrl, 'worker').online({ userIds: [] })),
        codeOf(firstAnswer(unnamed(PresenceService, presence.rpcUrl, GATEWAY_ISSUER).connect(register()))),
      ]),
    ).toEqual(Array(8).fill('Unauthenticated'));
    // The same calls with tokens that name their callee are answered: only `aud` was missing.
    expect(
      await Promise.all([
        codeOf(client(ChatsService, chats.rpcUrl!, 'chats', 'users').applyBlock(change)),
        codeOf(
          firstAnswer(
            client(PresenceService, presence.rpcUrl, 'presence', GATEWAY_ISSUER).connect(register()),
          ),
        ),
      ]),
    ).toEqual(['ok', 'ok']);
  });

  it('answers Exist with exactly the ids that name users, whatever else is asked', async () => {
    const alice = await signUp(anonymous);
    const exist = client(UsersService, stack.subgraphs.users.rpcUrl!, 'users', 'chats');
    const asked = [alice.id.toUpperCase(), randomUUID(), 'not-an-id', '\'; DROP TABLE users."User"; --'];
    expect((await exist.exist({ userIds: asked })).existingUserIds).toEqual([alice.id.toUpperCase()]);
    expect(await codeOf(exist.exist({ userIds: Array.from({ length: 2049 }, () => randomUUID()) }))).toBe(
      'InvalidArgument',
    );
  });
});
