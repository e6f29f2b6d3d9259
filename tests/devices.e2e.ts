import { generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto';
import type { RunningGateway } from '@switchboard/gateway';
import { pgAdapter } from '@switchboard/db';
import { createClient, type Client as WsClient } from 'graphql-ws';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PrismaClient as ChatsDb } from '../subgraphs/chats/src/generated/prisma/client.ts';
import { PrismaClient as UsersDb } from '../subgraphs/users/src/generated/prisma/client.ts';
import { Client, errorCode, signUp, uniqueName } from './support/client.ts';
import { startStack, type Stack } from './support/stack.ts';
import { subscribe, wsUrl } from './support/subscriptions.ts';

let stack: Stack;
let anonymous: Client;
let usersDb: UsersDb;
let chatsDb: ChatsDb;
/** A second gateway process: a revocation must reach every gateway, not only the one it went through. */
let other: RunningGateway;
const sockets: WsClient[] = [];

beforeAll(async () => {
  stack = await startStack({ worker: false, push: { allowHosts: ['127.0.0.1:9'] } });
  anonymous = new Client(stack.gateway.url);
  usersDb = new UsersDb({ adapter: pgAdapter(stack.config.databaseUrls.users, 2) });
  chatsDb = new ChatsDb({ adapter: pgAdapter(stack.config.databaseUrls.chats, 2) });
  other = await stack.startGateway();
});
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((socket) => socket.dispose()));
});
afterAll(async () => {
  await Promise.all([usersDb?.$disconnect(), chatsDb?.$disconnect()]);
  await stack?.stop();
});

const PASSWORD = 'correct horse battery';

interface Device {
  id: string;
  name: string;
  createdAt: string;
  lastActiveAt: string;
  current: boolean;
}

/** A user with a second device signed in: `phone` from signUp, `laptop` from signIn. */
async function twoDevices() {
  const username = uniqueName('dev');
  const up = await anonymous.data('SignUpDevice', {
    input: { username, password: PASSWORD, displayName: 'Dee', deviceName: 'Phone' },
  });
  const inn = await anonymous.data('SignInDevice', {
    input: { username, password: PASSWORD, deviceName: 'Laptop' },
  });
  return {
    userId: up.signUp.user.id as string,
    username,
    phone: { id: up.signUp.device.id as string, client: anonymous.withToken(up.signUp.token) },
    laptop: { id: inn.signIn.device.id as string, client: anonymous.withToken(inn.signIn.token) },
  };
}

const myDevices = async (client: Client) =>
  (await client.data<{ me: { devices: Device[] } }>('MyDevices')).me.devices;

/** A graphql-ws socket that says when it was acknowledged and with which code it closed. */
function openSocket(gateway: RunningGateway, token: string) {
  let connected!: () => void;
  let closed!: (code: number) => void;
  const socket = {
    connected: new Promise<void>((resolve) => (connected = resolve)),
    closed: new Promise<number>((resolve) => (closed = resolve)),
    client: createClient({
      url: wsUrl(gateway.url),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
      lazy: false,
      // The close is what these tests look at (on.closed); graphql-ws would also log it.
      onNonLazyError: () => {},
      on: {
        connected: () => connected(),
        closed: (event) => closed((event as { code: number }).code),
      },
    }),
  };
  sockets.push(socket.client);
  return socket;
}

describe('devices', () => {
  it('signUp and signIn each create a device and answer it beside the token', async () => {
    const { userId, username, phone, laptop } = await twoDevices();
    expect(phone.id).not.toBe(laptop.id);
    const rows = await usersDb.device.findMany({ where: { userId }, orderBy: { createdAt: 'asc' } });
    expect(rows.map((row) => [row.id, row.name, row.revokedAt])).toEqual([
      [phone.id, 'Phone', null],
      [laptop.id, 'Laptop', null],
    ]);
    // chats knew of both before the mutations answered.
    expect(
      (await chatsDb.deviceProjection.findMany({ where: { userId } })).map((row) => row.deviceId).sort(),
    ).toEqual([phone.id, laptop.id].sort());

    // The older documents create a device too, with a default name.
    const old = await anonymous.data('SignIn', { input: { username, password: PASSWORD } });
    const devices = await myDevices(anonymous.withToken(old.signIn.token));
    expect(devices.map((device) => [device.name, device.current])).toEqual([
      ['Phone', false],
      ['Laptop', false],
      ['Unnamed device', true],
    ]);
  });

  it('MyDevices lists the active devices, `current` the one asking', async () => {
    const { phone, laptop } = await twoDevices();
    const fromPhone = await myDevices(phone.client);
    expect(fromPhone).toEqual([
      {
        id: phone.id,
        name: 'Phone',
        createdAt: expect.any(String),
        lastActiveAt: expect.any(String),
        current: true,
      },
      expect.objectContaining({ id: laptop.id, name: 'Laptop', current: false }),
    ]);
    expect((await myDevices(laptop.client)).map((device) => device.current)).toEqual([false, true]);
  });

  it("another user's devices are not readable", async () => {
    const { username } = await twoDevices();
    const stranger = await signUp(anonymous);
    const theirs = await stranger.client.request(
      'query ($username: String!) { userByUsername(username: $username) { devices { id } } }',
      { username },
    );
    expect(errorCode(theirs)).toBe('FORBIDDEN');
  });

  it.each([
    ['a blank name', '   '],
    ['a name that is too long', 'd'.repeat(65)],
    ['a name with a control character', 'Phone\u0007'],
  ])('refuses %s with BAD_USER_INPUT and writes nothing', async (_, deviceName) => {
    const username = uniqueName('bad');
    const up = await anonymous.op('SignUpDevice', {
      input: { username, password: PASSWORD, displayName: 'Bad', deviceName },
    });
    expect(errorCode(up)).toBe('BAD_USER_INPUT');
    expect(up.errors?.[0]?.extensions?.['field']).toBe('deviceName');
    expect(await usersDb.user.count({ where: { username } })).toBe(0);

    const { id, username: existing } = await signUp(anonymous);
    const inn = await anonymous.op('SignInDevice', {
      input: { username: existing, password: PASSWORD, deviceName },
    });
    expect(errorCode(inn)).toBe('BAD_USER_INPUT');
    expect(await usersDb.device.count({ where: { userId: id } })).toBe(1);
  });

  it('keeps a name of 64 characters, trimmed', async () => {
    const name = 'é'.repeat(64);
    const up = await anonymous.data('SignUpDevice', {
      input: { username: uniqueName('ok'), password: PASSWORD, displayName: 'Ok', deviceName: ` ${name} ` },
    });
    expect(up.signUp.device.name).toBe(name);
  });

  it('moves lastActiveAt when a gateway checks a device, at most about once a minute', async () => {
    const { phone } = await twoDevices();
    const longAgo = new Date(Date.now() - 10 * 60_000);
    await usersDb.device.update({ where: { id: phone.id }, data: { lastActiveAt: longAgo } });
    // A gateway that never saw this device asks users about it, which records the activity.
    const fresh = await stack.startGateway();
    const seen = (await myDevices(new Client(fresh.url, phone.client.token))).find(
      (device) => device.current,
    )!;
    expect(new Date(seen.lastActiveAt).getTime()).toBeGreaterThan(longAgo.getTime() + 5 * 60_000);
    const recorded = (await usersDb.device.findUniqueOrThrow({ where: { id: phone.id } })).lastActiveAt;
    // Asked again within the minute (another cold gateway): not written again.
    const again = await stack.startGateway();
    await myDevices(new Client(again.url, phone.client.token));
    expect((await usersDb.device.findUniqueOrThrow({ where: { id: phone.id } })).lastActiveAt).toEqual(
      recorded,
    );
  });
});

describe('revokeDevice', () => {
  it("answers NOT_FOUND for another user's device, or no device, and changes nothing", async () => {
    const { phone, laptop } = await twoDevices();
    const stranger = await signUp(anonymous);
    for (const deviceId of [laptop.id, randomUUID(), 'not-an-id']) {
      const result = await stranger.client.op('RevokeDevice', { deviceId });
      expect(errorCode(result)).toBe('NOT_FOUND');
    }
    expect(errorCode(await laptop.client.op('Me'))).toBeUndefined();
    expect((await myDevices(phone.client)).length).toBe(2);
  });

  it('refuses the revoked token at once over HTTP, on every gateway, and closes its sockets with 4403; the other device goes on', async () => {
    const { userId, phone, laptop } = await twoDevices();
    const laptopToken = laptop.client.token!;
    // Both gateways have seen (and remember) the laptop as active.
    expect(errorCode(await laptop.client.op('Me'))).toBeUndefined();
    expect(errorCode(await new Client(other.url, laptopToken).op('Me'))).toBeUndefined();
    const laptopSockets = [openSocket(stack.gateway, laptopToken), openSocket(other, laptopToken)];
    const phoneSocket = openSocket(other, phone.client.token!);
    await Promise.all([...laptopSockets, phoneSocket].map((socket) => socket.connected));

    const revoked = await phone.client.data('RevokeDevice', { deviceId: laptop.id });
    expect(revoked.revokeDevice).toEqual({ id: laptop.id });

    expect(await Promise.all(laptopSockets.map((socket) => socket.closed))).toEqual([4403, 4403]);
    for (const url of [stack.gateway.url, other.url]) {
      const refused = await new Client(url, laptopToken).op('Me');
      expect(refused.status).toBe(401);
      expect(errorCode(refused)).toBe('UNAUTHENTICATED');
    }
    // A new socket with the revoked token is refused as a bad token is.
    expect(await openSocket(other, laptopToken).closed).toBe(4403);

    // The phone's socket stayed open and still works; so does its HTTP.
    const overSocket = subscribe(phoneSocket.client, 'MyDevices');
    const devices = (await overSocket.nth(1)).data?.['me'].devices as Device[];
    expect(devices.map((device) => device.id)).toEqual([phone.id]);
    expect(errorCode(await phone.client.op('Me'))).toBeUndefined();

    expect((await usersDb.device.findUniqueOrThrow({ where: { id: laptop.id } })).revokedAt).not.toBeNull();
    expect(await chatsDb.deviceProjection.findMany({ where: { userId } })).toEqual([
      { userId, deviceId: phone.id },
    ]);

    // Revoking it again changes nothing.
    expect((await phone.client.data('RevokeDevice', { deviceId: laptop.id })).revokeDevice).toEqual({
      id: laptop.id,
    });
  });

  it('removes the push subscriptions and unclaimed one-time prekeys of that device only', async () => {
    const { userId, phone, laptop } = await twoDevices();
    const identity = generateKeyPairSync('ed25519');
    const raw = (key: typeof identity.publicKey) =>
      Buffer.from(key.export({ format: 'jwk' }).x!, 'base64url');
    const signedPreKey = raw(generateKeyPairSync('x25519').publicKey);
    // Both devices publish under the user's one identity key (a new one would replace all prekeys).
    const publish = (client: Client, keyIds: number[]) =>
      client.data('PublishKeys', {
        input: {
          identityKey: raw(identity.publicKey).toString('base64'),
          signedPreKey: {
            keyId: 1,
            publicKey: signedPreKey.toString('base64'),
            signature: sign(null, signedPreKey, identity.privateKey).toString('base64'),
          },
          oneTimePreKeys: keyIds.map((keyId) => ({ keyId, publicKey: randomBytes(32).toString('base64') })),
        },
      });
    await publish(phone.client, [1, 2]);
    await publish(laptop.client, [10, 11, 12]);
    const pushKeys = () => {
      const ecdh = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const jwk = ecdh.publicKey.export({ format: 'jwk' });
      const point = Buffer.concat([
        Buffer.from([4]),
        Buffer.from(jwk.x!, 'base64url'),
        Buffer.from(jwk.y!, 'base64url'),
      ]);
      return { p256dh: point.toString('base64url'), auth: randomBytes(16).toString('base64url') };
    };
    const endpoint = (name: string) => `http://127.0.0.1:9/push/${name}-${randomUUID()}`;
    const [phoneEndpoint, laptopEndpoint] = [endpoint('phone'), endpoint('laptop')];
    await phone.client.data('RegisterPush', {
      input: { endpoint: phoneEndpoint, ...pushKeys() },
    });
    await laptop.client.data('RegisterPush', {
      input: { endpoint: laptopEndpoint, ...pushKeys() },
    });
    // Someone claims one of the laptop's prekeys first: a claimed key is gone already.
    const claimer = await signUp(anonymous);
    expect(
      (await claimer.client.data('ClaimPreKeyBundle', { userId })).claimPreKeyBundle.oneTimePreKey.keyId,
    ).toBe(1);

    await phone.client.data('RevokeDevice', { deviceId: laptop.id });

    const prekeys = await usersDb.oneTimePreKey.findMany({ where: { userId }, orderBy: { keyId: 'asc' } });
    expect(prekeys.map((key) => [key.keyId, key.deviceId])).toEqual([[2, phone.id]]);
    const subscriptions = await usersDb.pushSubscription.findMany({ where: { userId } });
    expect(subscriptions.map((row) => [row.endpoint, row.deviceId])).toEqual([
      [new URL(phoneEndpoint).href, phone.id],
    ]);
  });

  it("drops the revoked device's inbox in chats, and writes nothing more to it", async () => {
    const { userId, phone, laptop } = await twoDevices();
    const friend = await signUp(anonymous);
    const chat = await friend.client.data('CreateDirectChat', { userId });
    const send = (body: string) =>
      friend.client.data('SendMessage', {
        input: { chatId: chat.createDirectChat.id, clientId: randomUUID(), body },
      });
    const inboxOf = async (deviceId: string) => ({
      heads: await chatsDb.inboxHead.count({ where: { deviceId } }),
      entries: await chatsDb.inboxEntry.count({ where: { deviceId } }),
    });
    await send('before');
    expect((await inboxOf(laptop.id)).entries).toBeGreaterThan(0);

    await phone.client.data('RevokeDevice', { deviceId: laptop.id });
    expect(await inboxOf(laptop.id)).toEqual({ heads: 0, entries: 0 });
    await send('after');
    expect(await inboxOf(laptop.id)).toEqual({ heads: 0, entries: 0 });
    expect((await inboxOf(phone.id)).entries).toBeGreaterThan((await inboxOf(laptop.id)).entries + 1);
  });
});

describe('when chats cannot be told', () => {
  it('signUp, signIn and revokeDevice answer SERVICE_UNAVAILABLE and write nothing', async () => {
    const { userId, username, phone, laptop } = await twoDevices();
    const newcomer = uniqueName('down');
    await stack.restart('chats', async () => {
      const up = await anonymous.op('SignUpDevice', {
        input: { username: newcomer, password: PASSWORD, displayName: 'Down' },
      });
      expect(errorCode(up)).toBe('SERVICE_UNAVAILABLE');
      expect(await usersDb.user.count({ where: { username: newcomer } })).toBe(0);

      const inn = await anonymous.op('SignInDevice', { input: { username, password: PASSWORD } });
      expect(errorCode(inn)).toBe('SERVICE_UNAVAILABLE');
      expect(await usersDb.device.count({ where: { userId } })).toBe(2);

      const revoke = await phone.client.op('RevokeDevice', { deviceId: laptop.id });
      expect(errorCode(revoke)).toBe('SERVICE_UNAVAILABLE');
      expect((await usersDb.device.findUniqueOrThrow({ where: { id: laptop.id } })).revokedAt).toBeNull();
    });
    expect(errorCode(await laptop.client.op('Me'))).toBeUndefined();
    // chats is back: the same calls succeed.
    await anonymous.data('SignUpDevice', {
      input: { username: newcomer, password: PASSWORD, displayName: 'Up' },
    });
    await phone.client.data('RevokeDevice', { deviceId: laptop.id });
  });
});

describe('a user token without a device', () => {
  it('is refused with UNAUTHENTICATED over HTTP, and with 4403 over WebSocket', async () => {
    const { userId } = await twoDevices();
    // As tokens were signed before devices: the same secret, issuer and audience, no `did`.
    const token = await new SignJWT({ sub: userId })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('switchboard')
      .setAudience('switchboard:client')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(stack.config.jwtSecret));
    const result = await anonymous.withToken(token).op('Me');
    expect(result.status).toBe(401);
    expect(errorCode(result)).toBe('UNAUTHENTICATED');
    expect(await openSocket(stack.gateway, token).closed).toBe(4403);
  });
});
