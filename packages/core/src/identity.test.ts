import { generateKeyPairSync } from 'node:crypto';
import { createSigner } from 'fast-jwt';
import { describe, expect, it } from 'vitest';
import {
  createIdentitySigner,
  createIdentityVerifier,
  signInternalIdentity,
  signUserToken,
  verifyUserToken,
} from './identity.ts';
import {
  DEV_INTERNAL_SIGNING_KEYS,
  DEV_INTERNAL_TRUSTED_KEYS,
  parseSigningKey,
  parseTrustedKeys,
} from './internalKeys.ts';

const pair = () => generateKeyPairSync('ed25519');

describe('internal identity', () => {
  it('reuses a token per identity and audience, never across audiences or identities', async () => {
    const signer = createIdentitySigner({ issuer: 'gateway', key: pair().privateKey });
    const alice = { userId: 'alice' };
    const first = await signer.tokenFor(alice, 'chats');
    expect(await signer.tokenFor(alice, 'chats')).toBe(first);
    expect(await signer.tokenFor(alice, 'users')).not.toBe(first);
    expect(await signer.tokenFor({ userId: 'bob' }, 'chats')).not.toBe(first);
    expect(await signer.tokenFor({ userId: 'alice', delivery: { channel: 'chat:x' } }, 'chats')).not.toBe(
      first,
    );
    expect(await signer.tokenFor({ userId: 'alice', deviceId: 'phone' }, 'chats')).not.toBe(first);
  });

  it("carries the caller's device to the callee", async () => {
    const { privateKey, publicKey } = pair();
    const verify = createIdentityVerifier({
      audience: 'chats',
      trustedKeys: new Map([['gateway', [publicKey]]]),
    });
    const identity = { userId: 'alice', deviceId: 'phone' };
    const token = await signInternalIdentity(identity, {
      issuer: 'gateway',
      key: privateKey,
      audience: 'chats',
    });
    expect(await verify(token)).toEqual({ issuer: 'gateway', identity });
  });

  it('trusts each issuer by its own keys, including a key being rotated in', async () => {
    const [oldKey, newKey, users] = [pair(), pair(), pair()];
    const trustedKeys = new Map([
      ['gateway', [oldKey.publicKey, newKey.publicKey]],
      ['users', [users.publicKey]],
    ]);
    const verify = createIdentityVerifier({ audience: 'chats', trustedKeys });
    const sign = (issuer: string, key: typeof oldKey) =>
      signInternalIdentity({ userId: 'alice' }, { issuer, key: key.privateKey, audience: 'chats' });

    expect(await verify(await sign('gateway', oldKey))).toEqual({
      issuer: 'gateway',
      identity: { userId: 'alice' },
    });
    expect((await verify(await sign('gateway', newKey)))?.issuer).toBe('gateway');
    expect((await verify(await sign('users', users)))?.issuer).toBe('users');
    // users' key cannot speak for the gateway, and a verifier limited to the gateway refuses users.
    expect(await verify(await sign('gateway', users))).toBeNull();
    const gatewayOnly = createIdentityVerifier({ audience: 'chats', trustedKeys, issuers: ['gateway'] });
    expect(await gatewayOnly(await sign('users', users))).toBeNull();
    expect(await verify(await sign('media', users))).toBeNull();
  });

  it.each(Object.keys(DEV_INTERNAL_SIGNING_KEYS) as (keyof typeof DEV_INTERNAL_SIGNING_KEYS)[])(
    'parses the development keys of %s as a matching pair',
    async (issuer) => {
      const token = await signInternalIdentity(
        { userId: null },
        { issuer, key: parseSigningKey(DEV_INTERNAL_SIGNING_KEYS[issuer]), audience: 'presence' },
      );
      const verify = createIdentityVerifier({
        audience: 'presence',
        trustedKeys: parseTrustedKeys(DEV_INTERNAL_TRUSTED_KEYS),
      });
      expect(await verify(token)).toEqual({ issuer, identity: { userId: null } });
    },
  );

  it('reads keys as PEM (also with literal \\n) or JWK, and refuses keys that are not Ed25519', () => {
    const { privateKey, publicKey } = pair();
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    expect(parseSigningKey(pem).equals(privateKey)).toBe(true);
    expect(parseSigningKey(pem.replace(/\n/g, '\\n')).equals(privateKey)).toBe(true);
    expect(parseSigningKey(JSON.stringify(privateKey.export({ format: 'jwk' }))).equals(privateKey)).toBe(
      true,
    );
    const spki = publicKey.export({ type: 'spki', format: 'pem' });
    expect(
      parseTrustedKeys(JSON.stringify({ gateway: spki }))
        .get('gateway')![0]!
        .equals(publicKey),
    ).toBe(true);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(() => parseSigningKey(rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string)).toThrow(
      /Ed25519/,
    );
  });
});

describe('user token', () => {
  const secret = 'a-user-token-secret-of-32-characters!!';

  it('speaks for one device of its user', async () => {
    const token = await signUserToken({ userId: 'alice', deviceId: 'phone' }, secret, 60);
    expect(await verifyUserToken(token, secret)).toMatchObject({ userId: 'alice', deviceId: 'phone' });
  });

  it('is refused without a device (a token issued before devices)', async () => {
    const sign = createSigner({
      key: secret,
      algorithm: 'HS256',
      iss: 'switchboard',
      aud: 'switchboard:client',
    });
    const token = sign({ sub: 'alice', exp: Math.floor(Date.now() / 1000) + 60 });
    expect(await verifyUserToken(token, secret)).toEqual({ problem: 'invalid' });
  });
});
