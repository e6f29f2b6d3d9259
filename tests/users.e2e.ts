import {
  createECDH,
  generateKeyPairSync,
  randomBytes,
  randomUUID,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { lookup as dnsLookup } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { INTERNAL_IDENTITY_HEADER } from '@switchboard/core';
import { pgAdapter } from '@switchboard/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaClient } from '../subgraphs/users/src/generated/prisma/client.ts';
import { Client, errorCode, signUp, uniqueName, type GraphQLResponse } from './support/client.ts';
import { gatewayToken, startStack, type Stack } from './support/stack.ts';

let stack: Stack;
let anonymous: Client;
// Reads the users subgraph's tables directly, to check what was (not) written.
let db: PrismaClient;

/** Test names: *.internal.test resolves to loopback, mixed.test to a public and a private address. */
const lookup: LookupFunction = (hostname, options, callback) => {
  const fixed: Record<string, string[]> = {
    'push.example.com': ['93.184.215.14'],
    'mixed.test': ['93.184.215.14', '10.0.0.1'],
  };
  const addresses = hostname.endsWith('.internal.test') ? ['127.0.0.1'] : fixed[hostname];
  if (!addresses) return dnsLookup(hostname, options, callback);
  if (options.all)
    callback(
      null,
      addresses.map((address) => ({ address, family: 4 })),
    );
  else callback(null, addresses[0]!, 4);
};

beforeAll(async () => {
  // 127.0.0.1:9 stands in for a development push service; nothing is ever sent there here.
  stack = await startStack({ push: { allowHosts: ['127.0.0.1:9'], lookup } });
  anonymous = new Client(stack.gateway.url);
  db = new PrismaClient({ adapter: pgAdapter(stack.config.databaseUrls.users, 2) });
});
afterAll(async () => {
  await db?.$disconnect();
  await stack?.stop();
});

const PASSWORD = 'correct horse battery';

function rawPublicKey(key: KeyObject): Buffer {
  return Buffer.from(key.export({ format: 'jwk' }).x!, 'base64url');
}

/** A client's key material: an Ed25519 identity key and a signed prekey, as an app makes them. */
function makeKeys() {
  const identity = generateKeyPairSync('ed25519');
  const signedPreKey = rawPublicKey(generateKeyPairSync('x25519').publicKey);
  return {
    identity,
    identityKey: rawPublicKey(identity.publicKey).toString('base64'),
    signedPreKey: {
      keyId: 1,
      publicKey: signedPreKey.toString('base64'),
      signature: sign(null, signedPreKey, identity.privateKey).toString('base64'),
    },
  };
}

function oneTimePreKeys(keyIds: number[]) {
  return keyIds.map((keyId) => ({ keyId, publicKey: randomBytes(32).toString('base64') }));
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

describe('signUp', () => {
  it('creates an account with a lower-cased username and a usable token', async () => {
    const username = uniqueName('MiXed');
    const data = await anonymous.data('SignUp', {
      input: { username, password: PASSWORD, displayName: '  Ada Lovelace  ' },
    });
    expect(data.signUp.user).toEqual({
      id: expect.any(String),
      username: username.toLowerCase(),
      displayName: 'Ada Lovelace',
    });
    const me = await anonymous.withToken(data.signUp.token).request('{ me { id username displayName } }');
    expect(me.data?.me).toEqual(data.signUp.user);

    const row = await db.user.findUniqueOrThrow({ where: { id: data.signUp.user.id } });
    expect(row.passwordHash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(row.passwordHash).not.toContain(PASSWORD);
  });

  it('refuses a taken username, in any case, with BAD_USER_INPUT', async () => {
    const { username } = await signUp(anonymous);
    for (const taken of [username, username.toUpperCase()]) {
      const result = await anonymous.op('SignUp', {
        input: { username: taken, password: PASSWORD, displayName: 'Copycat' },
      });
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
    }
    expect(await db.user.count({ where: { username } })).toBe(1);
  });

  it('gives one of two concurrent sign-ups of the same name the account', async () => {
    const username = uniqueName('race');
    const results = await Promise.all(
      range(0, 4).map(() =>
        anonymous.op('SignUp', { input: { username, password: PASSWORD, displayName: 'Racer' } }),
      ),
    );
    expect(results.filter((r) => r.data?.signUp).length).toBe(1);
    expect(results.filter((r) => errorCode(r) === 'BAD_USER_INPUT').length).toBe(3);
  });

  it.each([
    ['a username that is too short', { username: 'ab' }],
    ['a username that is too long', { username: 'a'.repeat(33) }],
    ['a username with other characters', { username: 'no-dashes' }],
    ['a username with a space', { username: 'with space' }],
    ['a password that is too short', { password: 'seven77' }],
    ['a password that is too long', { password: 'p'.repeat(257) }],
    ['a blank display name', { displayName: '   ' }],
    ['a display name that is too long', { displayName: 'd'.repeat(65) }],
  ])('refuses %s with BAD_USER_INPUT and writes nothing', async (_, override) => {
    const input = { username: uniqueName('bad'), password: PASSWORD, displayName: 'Valid', ...override };
    const result = await anonymous.op('SignUp', { input });
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(await db.user.count({ where: { username: input.username.toLowerCase() } })).toBe(0);
  });

  it('accepts the boundary lengths', async () => {
    const username = uniqueName('b').padEnd(32, '_');
    const data = await anonymous.data('SignUp', {
      input: { username, password: 'p'.repeat(256), displayName: 'd'.repeat(64) },
    });
    expect(data.signUp.user.username).toBe(username);
    // Three characters: a fresh database per run makes a clash with another test's name unlikely.
    const three = Array.from(
      randomBytes(3),
      (byte) => 'abcdefghijklmnopqrstuvwxyz0123456789_'[byte % 37],
    ).join('');
    const short = await anonymous.data('SignUp', {
      input: { username: three, password: '12345678', displayName: 'x' },
    });
    expect(short.signUp.user.username).toBe(three);
  });
});

describe('signIn', () => {
  it('signs in with the password, whatever the case of the username', async () => {
    const { id, username } = await signUp(anonymous, 'Grace');
    const data = await anonymous.data('SignIn', {
      input: { username: username.toUpperCase(), password: PASSWORD },
    });
    expect(data.signIn.user).toEqual({ id, username, displayName: 'Grace' });
    const me = await anonymous.withToken(data.signIn.token).request('{ me { id } }');
    expect(me.data?.me.id).toBe(id);
  });

  it('answers a wrong password and an unknown user alike, with UNAUTHENTICATED', async () => {
    const { username } = await signUp(anonymous);
    const wrong = await anonymous.op('SignIn', { input: { username, password: 'not the password' } });
    const unknown = await anonymous.op('SignIn', {
      input: { username: uniqueName('ghost'), password: PASSWORD },
    });
    const invalid = await anonymous.op('SignIn', { input: { username: 'x', password: PASSWORD } });
    for (const result of [wrong, unknown, invalid]) {
      expect(errorCode(result)).toBe('UNAUTHENTICATED');
      expect(result.data).toBeNull();
    }
    expect(unknown.errors?.[0]?.message).toBe(wrong.errors?.[0]?.message);
    expect(invalid.errors?.[0]?.message).toBe(wrong.errors?.[0]?.message);
  });
});

describe('profile', () => {
  it('Me is null for an anonymous caller', async () => {
    const result = await anonymous.op('Me');
    expect(result.errors).toBeUndefined();
    expect(result.data?.me).toBeNull();
  });

  it('Me returns the signed-in user, with avatar and presence from the other subgraphs', async () => {
    const { client, id, username } = await signUp(anonymous, 'Me Myself');
    const result = await client.op('Me');
    expect(result.data?.me).toMatchObject({
      id,
      username,
      displayName: 'Me Myself',
      about: null,
      lastSeenVisibility: 'EVERYONE',
      avatar: null,
      presence: { status: expect.stringMatching(/^(ONLINE|AWAY|OFFLINE)$/) },
    });
    expect(result.errors).toBeUndefined();
  });

  it('UpdateProfile changes the given fields and keeps the others', async () => {
    const { client, id } = await signUp(anonymous, 'Before');
    // users knows which media a user owns from media's MediaCreated events (its projection).
    const avatarId = randomUUID();
    await db.ownedMedia.create({ data: { mediaId: avatarId, ownerId: id } });
    const result = await client.op('UpdateProfile', {
      input: { displayName: ' After ', about: 'Hello there', lastSeenVisibility: 'NOBODY', avatarId },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data?.updateProfile).toMatchObject({
      id,
      displayName: 'After',
      about: 'Hello there',
      lastSeenVisibility: 'NOBODY',
    });
    const events = await db.outboxEvent.findMany({ where: { payload: { path: ['userId'], equals: id } } });
    expect(events.map((event) => [event.type, event.payload])).toEqual(
      expect.arrayContaining([
        ['UserAvatarChanged', { userId: id, mediaId: avatarId }],
        ['LastSeenVisibilityChanged', { userId: id, visibility: 'NOBODY' }],
      ]),
    );

    const partial = await client.data('UpdateProfile', { input: { about: null } });
    expect(partial.updateProfile).toMatchObject({
      displayName: 'After',
      about: null,
      lastSeenVisibility: 'NOBODY',
    });
    const row = await db.user.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ displayName: 'After', about: null, avatarId });

    await client.data('UpdateProfile', { input: { avatarId: null } });
    expect((await db.user.findUniqueOrThrow({ where: { id } })).avatarId).toBeNull();
  });

  it('UpdateProfile refuses an avatar the caller did not upload', async () => {
    const [owner, other] = await Promise.all([signUp(anonymous), signUp(anonymous)]);
    const mediaId = randomUUID();
    await db.ownedMedia.create({ data: { mediaId, ownerId: owner.id } });
    const result = await other.client.op('UpdateProfile', { input: { avatarId: mediaId } });
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect((await db.user.findUniqueOrThrow({ where: { id: other.id } })).avatarId).toBeNull();
  });

  it.each([
    ['an empty display name', { displayName: '' }],
    ['a display name that is too long', { displayName: 'd'.repeat(65) }],
    ['an about that is too long', { about: 'a'.repeat(501) }],
    ['an avatarId that is not an id', { avatarId: 'not-a-uuid' }],
  ])('UpdateProfile refuses %s with BAD_USER_INPUT and changes nothing', async (_, input) => {
    const { client, id } = await signUp(anonymous, 'Unchanged');
    const before = await db.user.findUniqueOrThrow({ where: { id } });
    const result = await client.op('UpdateProfile', { input: { about: 'would be written', ...input } });
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(await db.user.findUniqueOrThrow({ where: { id } })).toEqual(before);
  });

  it('accepts an about of exactly 500 characters', async () => {
    const { client } = await signUp(anonymous);
    const data = await client.data('UpdateProfile', { input: { about: 'a'.repeat(500) } });
    expect(data.updateProfile.about).toHaveLength(500);
  });

  it('UpdateProfile is UNAUTHENTICATED when anonymous', async () => {
    const result = await anonymous.op('UpdateProfile', { input: { displayName: 'Nobody' } });
    expect(errorCode(result)).toBe('UNAUTHENTICATED');
  });

  it('FindUser finds another user by username in any case', async () => {
    const { client } = await signUp(anonymous);
    const other = await signUp(anonymous, 'Findable');
    const result = await client.op('FindUser', { username: other.username.toUpperCase() });
    expect(result.data?.userByUsername).toMatchObject({
      id: other.id,
      username: other.username,
      displayName: 'Findable',
      avatar: null,
      presence: { status: expect.stringMatching(/^(ONLINE|AWAY|OFFLINE)$/) },
    });
    expect(result.errors).toBeUndefined();

    const none = await client.op('FindUser', { username: uniqueName('nobody') });
    expect(none.errors).toBeUndefined();
    expect(none.data?.userByUsername).toBeNull();
    const invalid = await client.op('FindUser', { username: 'not a name!' });
    expect(invalid.data?.userByUsername).toBeNull();
  });

  it('resolves the user references of one gateway request, null for unknown ids', async () => {
    const a = await signUp(anonymous, 'A');
    const b = await signUp(anonymous, 'B');
    const representations = [a.id, b.id, randomUUID(), a.id].map((id) => ({ __typename: 'User', id }));
    // What the gateway sends when another subgraph's result references users (chat members, senders).
    const response = await fetch(stack.subgraphs.users.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [INTERNAL_IDENTITY_HEADER]: await gatewayToken(stack.config, { userId: b.id }, 'users'),
      },
      body: JSON.stringify({
        query: 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { id displayName } } }',
        variables: { r: representations },
      }),
    });
    const body = (await response.json()) as any;
    expect(body.errors).toBeUndefined();
    expect(body.data._entities).toEqual([
      { id: a.id, displayName: 'A' },
      { id: b.id, displayName: 'B' },
      null,
      { id: a.id, displayName: 'A' },
    ]);
  });

  it('FindUser is UNAUTHENTICATED when anonymous', async () => {
    const result = await anonymous.op('FindUser', { username: 'anyone' });
    expect(errorCode(result)).toBe('UNAUTHENTICATED');
  });
});

describe('blocking', () => {
  async function outbox(type: string, blockerId: string) {
    return db.outboxEvent.findMany({ where: { type, payload: { path: ['blockerId'], equals: blockerId } } });
  }

  it('blocks and unblocks idempotently, with one event per change in the outbox', async () => {
    const me = await signUp(anonymous);
    const other = await signUp(anonymous);
    const pair = { blockerId: me.id, blockedId: other.id };

    for (let i = 0; i < 2; i++) {
      expect((await me.client.data('BlockUser', { userId: other.id })).blockUser).toBe(true);
    }
    expect(await db.block.count({ where: pair })).toBe(1);
    const blocked = await outbox('UserBlocked', me.id);
    expect(blocked).toHaveLength(1);
    expect(blocked[0]).toMatchObject({ version: 1, payload: pair });

    for (let i = 0; i < 2; i++) {
      expect((await me.client.data('UnblockUser', { userId: other.id })).unblockUser).toBe(true);
    }
    expect(await db.block.count({ where: pair })).toBe(0);
    const unblocked = await outbox('UserUnblocked', me.id);
    expect(unblocked).toHaveLength(1);
    expect(unblocked[0]).toMatchObject({ version: 1, payload: pair });

    // Blocking is one-directional: the other user's blocks are untouched.
    expect(await db.block.count({ where: { blockerId: other.id } })).toBe(0);
  });

  it('concurrent blocks store and announce the block once', async () => {
    const me = await signUp(anonymous);
    const other = await signUp(anonymous);
    const results = await Promise.all(range(0, 5).map(() => me.client.op('BlockUser', { userId: other.id })));
    expect(results.map((r) => r.data?.blockUser)).toEqual([true, true, true, true, true]);
    expect(await outbox('UserBlocked', me.id)).toHaveLength(1);
  });

  it('refuses to block yourself (BAD_USER_INPUT) or an unknown user (NOT_FOUND)', async () => {
    const me = await signUp(anonymous);
    for (const op of ['BlockUser', 'UnblockUser']) {
      expect(errorCode(await me.client.op(op, { userId: me.id }))).toBe('BAD_USER_INPUT');
      expect(errorCode(await me.client.op(op, { userId: randomUUID() }))).toBe('NOT_FOUND');
      expect(errorCode(await me.client.op(op, { userId: 'not-an-id' }))).toBe('NOT_FOUND');
      expect(errorCode(await anonymous.op(op, { userId: me.id }))).toBe('UNAUTHENTICATED');
    }
    expect(await db.block.count({ where: { blockerId: me.id } })).toBe(0);
    expect(await db.outboxEvent.count({ where: { payload: { path: ['blockerId'], equals: me.id } } })).toBe(
      0,
    );
  });
});

describe('key directory', () => {
  it('publishes keys and hands out a bundle whose signature verifies, one one-time prekey at a time', async () => {
    const alice = await signUp(anonymous);
    const bob = await signUp(anonymous);
    const keys = makeKeys();
    const first = await alice.client.data('PublishKeys', {
      input: {
        identityKey: keys.identityKey,
        signedPreKey: keys.signedPreKey,
        oneTimePreKeys: oneTimePreKeys([1, 2]),
      },
    });
    expect(first.publishKeys.oneTimePreKeyCount).toBe(2);
    // More keys add up; an id the user already has is replaced by the new key.
    const replacement = oneTimePreKeys([2, 3]);
    const second = await alice.client.data('PublishKeys', {
      input: { identityKey: keys.identityKey, signedPreKey: keys.signedPreKey, oneTimePreKeys: replacement },
    });
    expect(second.publishKeys.oneTimePreKeyCount).toBe(3);

    const claimed: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const { claimPreKeyBundle: bundle } = await bob.client.data('ClaimPreKeyBundle', { userId: alice.id });
      expect(bundle.identityKey).toBe(keys.identityKey);
      expect(bundle.signedPreKey).toEqual(keys.signedPreKey);
      expect(
        verify(
          null,
          Buffer.from(bundle.signedPreKey.publicKey, 'base64'),
          keys.identity.publicKey,
          Buffer.from(bundle.signedPreKey.signature, 'base64'),
        ),
      ).toBe(true);
      claimed.push(bundle.oneTimePreKey);
    }
    expect(claimed).toEqual([{ keyId: 1, publicKey: expect.any(String) }, replacement[0], replacement[1]]);
    const empty = await bob.client.data('ClaimPreKeyBundle', { userId: alice.id });
    expect(empty.claimPreKeyBundle).toMatchObject({ identityKey: keys.identityKey, oneTimePreKey: null });
  });

  it('drops the unclaimed one-time prekeys when the identity key changes', async () => {
    const alice = await signUp(anonymous);
    const old = makeKeys();
    await alice.client.data('PublishKeys', {
      input: {
        identityKey: old.identityKey,
        signedPreKey: old.signedPreKey,
        oneTimePreKeys: oneTimePreKeys([1, 2]),
      },
    });
    const fresh = makeKeys();
    const data = await alice.client.data('PublishKeys', {
      input: {
        identityKey: fresh.identityKey,
        signedPreKey: fresh.signedPreKey,
        oneTimePreKeys: oneTimePreKeys([7]),
      },
    });
    expect(data.publishKeys.oneTimePreKeyCount).toBe(1);
  });

  it('refuses bad keys with BAD_USER_INPUT and leaves the published bundle untouched', async () => {
    const alice = await signUp(anonymous);
    const keys = makeKeys();
    const published = oneTimePreKeys([1, 2, 3]);
    await alice.client.data('PublishKeys', {
      input: { identityKey: keys.identityKey, signedPreKey: keys.signedPreKey, oneTimePreKeys: published },
    });
    const before = {
      identity: await db.identityKey.findUniqueOrThrow({ where: { userId: alice.id } }),
      prekeys: await db.oneTimePreKey.findMany({ where: { userId: alice.id }, orderBy: { keyId: 'asc' } }),
    };

    const other = makeKeys();
    const valid = {
      identityKey: keys.identityKey,
      signedPreKey: { ...other.signedPreKey, keyId: 2 },
      oneTimePreKeys: oneTimePreKeys([4]),
    };
    valid.signedPreKey.signature = sign(
      null,
      Buffer.from(valid.signedPreKey.publicKey, 'base64'),
      keys.identity.privateKey,
    ).toString('base64');
    const bad: [string, object][] = [
      // Signed by another identity key.
      [
        'a signature by another key',
        { signedPreKey: { ...valid.signedPreKey, signature: other.signedPreKey.signature } },
      ],
      // The signature of the base64 text instead of the decoded bytes.
      [
        'a signature of the base64 text',
        {
          signedPreKey: {
            ...valid.signedPreKey,
            signature: sign(
              null,
              Buffer.from(valid.signedPreKey.publicKey),
              keys.identity.privateKey,
            ).toString('base64'),
          },
        },
      ],
      ['an identity key that is not base64', { identityKey: 'not*base64!' }],
      ['an identity key of 31 bytes', { identityKey: randomBytes(31).toString('base64') }],
      ['a signature that is not base64', { signedPreKey: { ...valid.signedPreKey, signature: '%%%' } }],
      ['a negative signed prekey id', { signedPreKey: { ...valid.signedPreKey, keyId: -1 } }],
      ['a one-time prekey that is not base64', { oneTimePreKeys: [{ keyId: 9, publicKey: 'nope nope' }] }],
      [
        'a one-time prekey of the wrong length',
        { oneTimePreKeys: [{ keyId: 9, publicKey: randomBytes(16).toString('base64') }] },
      ],
      ['duplicate one-time prekey ids', { oneTimePreKeys: oneTimePreKeys([5, 6, 5]) }],
      ['a negative one-time prekey id', { oneTimePreKeys: oneTimePreKeys([-3]) }],
      ['more than 200 one-time prekeys', { oneTimePreKeys: oneTimePreKeys(range(100, 201)) }],
    ];
    for (const [what, override] of bad) {
      const result = await alice.client.op('PublishKeys', { input: { ...valid, ...override } });
      expect(errorCode(result), what).toBe('BAD_USER_INPUT');
    }
    expect(await db.identityKey.findUniqueOrThrow({ where: { userId: alice.id } })).toEqual(before.identity);
    expect(
      await db.oneTimePreKey.findMany({ where: { userId: alice.id }, orderBy: { keyId: 'asc' } }),
    ).toEqual(before.prekeys);

    // The valid variant of the same input goes through: 200 keys is the limit, not 199.
    const ok = await alice.client.data('PublishKeys', {
      input: { ...valid, oneTimePreKeys: oneTimePreKeys(range(100, 200)) },
    });
    expect(ok.publishKeys.oneTimePreKeyCount).toBe(203);
  });

  it('is UNAUTHENTICATED when anonymous, and NOT_FOUND for a user without keys', async () => {
    const keys = makeKeys();
    const publish = await anonymous.op('PublishKeys', {
      input: { identityKey: keys.identityKey, signedPreKey: keys.signedPreKey, oneTimePreKeys: [] },
    });
    expect(errorCode(publish)).toBe('UNAUTHENTICATED');

    const alice = await signUp(anonymous);
    const bob = await signUp(anonymous);
    expect(errorCode(await anonymous.op('ClaimPreKeyBundle', { userId: alice.id }))).toBe('UNAUTHENTICATED');
    expect(errorCode(await bob.client.op('ClaimPreKeyBundle', { userId: alice.id }))).toBe('NOT_FOUND');
    expect(errorCode(await bob.client.op('ClaimPreKeyBundle', { userId: randomUUID() }))).toBe('NOT_FOUND');
    expect(errorCode(await bob.client.op('ClaimPreKeyBundle', { userId: 'not-an-id' }))).toBe('NOT_FOUND');
  });

  it('hands each one-time prekey to exactly one of many concurrent claimers', async () => {
    const N = 10;
    const owner = await signUp(anonymous);
    const keys = makeKeys();
    const published = oneTimePreKeys(range(1, N));
    await owner.client.data('PublishKeys', {
      input: { identityKey: keys.identityKey, signedPreKey: keys.signedPreKey, oneTimePreKeys: published },
    });
    const claimers = await Promise.all(range(0, 3).map(() => signUp(anonymous)));
    const results = await Promise.all(
      range(0, 3 * N).map((i) =>
        claimers[i % claimers.length]!.client.data('ClaimPreKeyBundle', { userId: owner.id }),
      ),
    );
    const handedOut = results.map((r) => r.claimPreKeyBundle.oneTimePreKey).filter((k) => k !== null);
    expect(handedOut.map((k) => k.keyId).sort((a, b) => a - b)).toEqual(range(1, N));
    expect(handedOut).toEqual(expect.arrayContaining(published));
    expect(results.filter((r) => r.claimPreKeyBundle.oneTimePreKey === null)).toHaveLength(2 * N);
    expect(await db.oneTimePreKey.count({ where: { userId: owner.id } })).toBe(0);
  });
});

describe('push subscriptions', () => {
  function subscription(endpoint = `http://127.0.0.1:9/push/${randomUUID()}`) {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    return {
      endpoint,
      p256dh: ecdh.getPublicKey().toString('base64url'),
      auth: randomBytes(16).toString('base64url'),
    };
  }

  it('registers a subscription; another account takes an endpoint over only with its keys', async () => {
    const alice = await signUp(anonymous);
    const bob = await signUp(anonymous);
    const input = subscription();
    expect((await alice.client.data('RegisterPush', { input })).registerPushSubscription).toBe(true);
    const stored = () => db.pushSubscription.findMany({ where: { endpoint: input.endpoint } });
    expect(await stored()).toEqual([expect.objectContaining({ userId: alice.id, ...input })]);

    // Bob knows the URL but not the browser's keys: refused, and Alice keeps her subscription.
    const hijack = subscription(input.endpoint);
    expect(errorCode(await bob.client.op('RegisterPush', { input: hijack }))).toBe('FORBIDDEN');
    const withAlicesAuth = { ...hijack, auth: input.auth };
    expect(errorCode(await bob.client.op('RegisterPush', { input: withAlicesAuth }))).toBe('FORBIDDEN');
    expect(await stored()).toEqual([expect.objectContaining({ userId: alice.id, ...input })]);

    // Alice may renew her keys; Bob, signed in on that same browser (same keys), takes it over.
    const renewed = subscription(input.endpoint);
    expect((await alice.client.data('RegisterPush', { input: renewed })).registerPushSubscription).toBe(true);
    expect((await bob.client.data('RegisterPush', { input: renewed })).registerPushSubscription).toBe(true);
    expect(await stored()).toEqual([expect.objectContaining({ userId: bob.id, ...renewed })]);

    const https = subscription(`https://push.example.com/send/${randomUUID()}`);
    expect((await alice.client.data('RegisterPush', { input: https })).registerPushSubscription).toBe(true);
  });

  it('refuses bad subscriptions with BAD_USER_INPUT and writes nothing', async () => {
    const alice = await signUp(anonymous);
    const valid = subscription();
    const notOnCurve = Buffer.alloc(65, 1);
    notOnCurve[0] = 0x04;
    const compressed = Buffer.from(valid.p256dh, 'base64url');
    compressed[0] = 0x02;
    const bad: [string, Partial<typeof valid>][] = [
      ['an http endpoint that is not local', { endpoint: 'http://push.example.com/x' }],
      ['another scheme', { endpoint: 'ftp://127.0.0.1/x' }],
      ['an endpoint that is not a URL', { endpoint: 'not a url' }],
      ['an endpoint that is too long', { endpoint: `https://push.example.com/${'x'.repeat(2048)}` }],
      ['a p256dh that is not base64url', { p256dh: 'not base64url!' }],
      ['a p256dh of the wrong length', { p256dh: randomBytes(64).toString('base64url') }],
      ['a p256dh that is not uncompressed', { p256dh: compressed.toString('base64url') }],
      ['a p256dh that is not on the curve', { p256dh: notOnCurve.toString('base64url') }],
      ['an auth of 15 bytes', { auth: randomBytes(15).toString('base64url') }],
      ['an auth that is not base64url', { auth: '***' }],
    ];
    for (const [what, override] of bad) {
      const result = await alice.client.op('RegisterPush', { input: { ...valid, ...override } });
      expect(errorCode(result), what).toBe('BAD_USER_INPUT');
    }
    expect(await db.pushSubscription.count({ where: { userId: alice.id } })).toBe(0);
  });

  it('refuses an endpoint that is not a public push service, however it is spelled', async () => {
    const alice = await signUp(anonymous);
    const refused = [
      // The ones the attack run got accepted:
      'https://127.0.0.1:4398/p',
      'https://localhost:4001/graphql',
      'https://[::1]/',
      'https://169.254.169.254/latest/meta-data/',
      'https://10.0.0.1/',
      'https://192.168.0.1/',
      'https://0x7f000001/',
      'https://127.1/',
      'https://2130706433/',
      'https://017700000001/',
      // Each other kind of address no push service has:
      'https://172.16.0.1/',
      'https://100.64.0.1/',
      'https://224.0.0.1/',
      'https://0.0.0.0/',
      'https://0/',
      'https://255.255.255.255/',
      'https://[::]/',
      'https://[fd00::1]/',
      'https://[fe80::1]/',
      'https://[ff02::1]/',
      'https://[::ffff:127.0.0.1]/',
      'https://[::ffff:a9fe:a9fe]/',
      'https://[::127.0.0.1]/',
      'https://[64:ff9b::7f00:1]/',
      'https://[2002:7f00:1::]/',
      // Names that resolve to such an address, or to one among public ones, or to nothing:
      'https://push.internal.test/',
      'https://mixed.test/',
      'https://no-such-host.invalid/',
      // The allowed development host, on another port:
      'http://127.0.0.1:10/push',
      'https://127.0.0.1:10/push',
    ];
    for (const endpoint of refused) {
      const result = await alice.client.op('RegisterPush', { input: subscription(endpoint) });
      expect(errorCode(result), endpoint).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.extensions?.['field'], endpoint).toBe('endpoint');
    }
    expect(await db.pushSubscription.count({ where: { userId: alice.id } })).toBe(0);
  });

  it('is UNAUTHENTICATED when anonymous', async () => {
    const result = await anonymous.op('RegisterPush', { input: subscription() });
    expect(errorCode(result)).toBe('UNAUTHENTICATED');
  });
});

describe('a NUL character in a string input (issue 17)', () => {
  // Postgres cannot store U+0000 in text (22021): every subgraph refuses it before any resolver.
  const NUL = 'a\u0000b';
  type User = Awaited<ReturnType<typeof signUp>>;
  let alice: User;
  let bob: User;
  let chatId: string;
  let messageId: string;
  beforeAll(async () => {
    [alice, bob] = await Promise.all([signUp(anonymous, 'Alice'), signUp(anonymous, 'Bob')]);
    chatId = (await alice.client.data('CreateGroup', { input: { title: 'Plain', memberIds: [bob.id] } }))
      .createGroup.id;
    messageId = (
      await alice.client.data('SendMessage', { input: { chatId, clientId: randomUUID(), body: 'plain' } })
    ).sendMessage.id;
  });

  const cases: [string, string, () => Promise<GraphQLResponse>][] = [
    [
      'signUp',
      'displayName',
      () =>
        anonymous.op('SignUp', { input: { username: uniqueName(), password: PASSWORD, displayName: NUL } }),
    ],
    ['updateProfile', 'displayName', () => alice.client.op('UpdateProfile', { input: { displayName: NUL } })],
    ['updateProfile', 'about', () => alice.client.op('UpdateProfile', { input: { about: NUL } })],
    ['createGroup', 'title', () => alice.client.op('CreateGroup', { input: { title: NUL, memberIds: [] } })],
    [
      'sendMessage',
      'body',
      () => alice.client.op('SendMessage', { input: { chatId, clientId: randomUUID(), body: NUL } }),
    ],
    [
      'sendMessage',
      'clientId',
      () => alice.client.op('SendMessage', { input: { chatId, clientId: NUL, body: 'hi' } }),
    ],
    ['editMessage', 'body', () => alice.client.op('EditMessage', { id: messageId, body: NUL })],
    ['react', 'emoji', () => bob.client.op('React', { messageId, emoji: NUL })],
    ['userByUsername', 'username', () => alice.client.op('FindUser', { username: NUL })],
    // Every way a string reaches a subgraph: literals in the document, lists, objects in lists.
    [
      'an inline literal in an input object',
      'about',
      () => alice.client.request('mutation { updateProfile(input: { about: "a\\u0000b" }) { id } }'),
    ],
    [
      'an inline argument',
      'emoji',
      () => bob.client.request(`mutation { react(messageId: "${messageId}", emoji: "\\u0000") { id } }`),
    ],
    ['a list', 'userIds[1]', () => alice.client.op('AddMembers', { chatId, userIds: [bob.id, NUL] })],
    [
      'an input object in a list',
      'oneTimePreKeys[0].publicKey',
      () => {
        const { identityKey, signedPreKey } = makeKeys();
        return alice.client.op('PublishKeys', {
          input: { identityKey, signedPreKey, oneTimePreKeys: [{ keyId: 1, publicKey: NUL }] },
        });
      },
    ],
  ];
  it.each(cases)('%s: refuses it in %s with BAD_USER_INPUT naming the field', async (_where, field, send) => {
    const result = await send();
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.extensions?.['field']).toBe(field);
    expect(result.errors?.[0]?.message).toContain('NUL');
    for (const answer of Object.values(result.data ?? {})) expect(answer).toBeNull();
  });

  it('stored none of it', async () => {
    expect((await alice.client.data('Me')).me).toMatchObject({ displayName: 'Alice', about: null });
    const history = await alice.client.data('ChatHistory', { chatId, last: 10 });
    expect(history.chat.messages.edges.map((edge: { node: unknown }) => edge.node)).toEqual([
      expect.objectContaining({ id: messageId, body: 'plain', editedAt: null, reactions: [] }),
    ]);
  });
});
