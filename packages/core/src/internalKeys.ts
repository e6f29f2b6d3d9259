import { createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';

/**
 * Keys of the internal identity (architecture.md, principle 6): each process that vouches for a caller
 * signs with its own Ed25519 private key; each callee holds the public keys of the issuers it
 * trusts, by issuer name. A process that only verifies holds no key that can sign.
 */
export type TrustedKeys = ReadonlyMap<string, readonly KeyObject[]>;

/**
 * Development keys (README, "Secrets and configuration"): fine on a laptop, refused in production.
 * One per issuer: the gateway vouches for users; users, chats, calls, presence and the worker make
 * service calls of their own on the internal gRPC plane (users tells chats of blocks, chats asks
 * users which ids exist, calls appends call signals to chats' inboxes, presence asks chats who is a
 * member of a chat it has not heard of yet, the worker asks presence who is online).
 */
export const DEV_INTERNAL_SIGNING_KEYS = {
  gateway: `-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIJpUTKGKXm3Tt/Zlt2nK19WZfHDcFbFkVvAhqdb2mQTV
-----END PRIVATE KEY-----`,
  users: `-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEINjifa6MmGDCqUM81O3+NU6tXQ2WqQkVLIvUc71TA+kV
-----END PRIVATE KEY-----`,
  chats: `-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIMsNXI32yRX7kuk4SNOocuP1Z9fX9OatuU9z32qesBuy
-----END PRIVATE KEY-----`,
  worker: `-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIJJxICYELq0eYfPIfJUU8Bp2ba4thbRu3qDtGtXhorxb
-----END PRIVATE KEY-----`,
  calls: `-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEINt+qYj7AsnRy6NDZEMoVsIHqxjPPSAs514WzzXJ6hTF
-----END PRIVATE KEY-----`,
  presence: `-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIFp8bDRaU3B0JuGGSmRfey20limKg231bDvLoJgctask
-----END PRIVATE KEY-----`,
} as const;
/** Every development issuer's public key: each method still checks which issuers may call it. */
export const DEV_INTERNAL_TRUSTED_KEYS = JSON.stringify({
  gateway: { kty: 'OKP', crv: 'Ed25519', x: '2kRYX9t_QbqQZoEGhl3t60lJwwRkbQsi_XowBYQVBiU' },
  users: { kty: 'OKP', crv: 'Ed25519', x: '7StRU7ueOA3nhbQcSZdWODuzT3A9UiIbykEVOppk6_g' },
  chats: { kty: 'OKP', crv: 'Ed25519', x: '6FyWUwL1Dgmvaj2OFIbZ25IYWbOQIgC1o26QMTtAmls' },
  worker: { kty: 'OKP', crv: 'Ed25519', x: 'rejOxocnSFwTSlj0xQhTH6tEVqXgXYuMDjqqbZQaImk' },
  calls: { kty: 'OKP', crv: 'Ed25519', x: 'Lpb3yCOv9MzBaQDDbTsVD16jYyd_mIMnZayiNUugb5c' },
  presence: { kty: 'OKP', crv: 'Ed25519', x: '7LMZCwSoOjskJxvhICa1MDn4JwThMjTQ0jrf8_2L41M' },
});

const isEd25519 = (key: KeyObject) => key.asymmetricKeyType === 'ed25519';

function keyInput(
  text: string | object,
): { key: JsonWebKey; format: 'jwk' } | { key: string; format: 'pem' } {
  if (typeof text === 'object') return { key: text as JsonWebKey, format: 'jwk' };
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) return { key: JSON.parse(trimmed) as JsonWebKey, format: 'jwk' };
  // PEM pasted into a one-line variable often carries literal "\n".
  return { key: trimmed.replace(/\\n/g, '\n'), format: 'pem' };
}

/** An Ed25519 private key, as PKCS8 PEM or a private JWK (JSON). */
export function parseSigningKey(text: string): KeyObject {
  const key = createPrivateKey(keyInput(text));
  if (!isEd25519(key)) throw new Error(`expected an Ed25519 key, got ${key.asymmetricKeyType}`);
  return key;
}

/**
 * Public keys by issuer, as JSON: `{"gateway": KEY}` where KEY is an SPKI PEM string, a public JWK,
 * or a list of them (several while a key is being rotated).
 */
export function parseTrustedKeys(text: string): TrustedKeys {
  const parsed = JSON.parse(text) as unknown;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error('expected a JSON object of issuer name to public key(s)');
  const keys = new Map<string, KeyObject[]>();
  for (const [issuer, value] of Object.entries(parsed)) {
    const list = (Array.isArray(value) ? value : [value]).map((entry: unknown) => {
      if (typeof entry !== 'string' && (typeof entry !== 'object' || entry === null))
        throw new Error(`${issuer}: expected a PEM string or a JWK`);
      const key = createPublicKey(keyInput(entry));
      if (!isEd25519(key)) throw new Error(`${issuer}: expected an Ed25519 key`);
      return key;
    });
    keys.set(issuer, list);
  }
  return keys;
}

const parsed =
  <T>(parse: (text: string) => T) =>
  (text: string, ctx: z.RefinementCtx): T => {
    try {
      return parse(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `not a valid key: ${(error as Error).message}` });
      return z.NEVER;
    }
  };

/** `INTERNAL_SIGNING_KEY` of a process that signs internal identities as `issuer`. */
export const signingKeyEnv = (issuer: keyof typeof DEV_INTERNAL_SIGNING_KEYS) =>
  z.string().default(DEV_INTERNAL_SIGNING_KEYS[issuer]).transform(parsed(parseSigningKey));

/** `INTERNAL_TRUSTED_KEYS` of a process that verifies internal identities. */
export const trustedKeysEnv = () =>
  z.string().default(DEV_INTERNAL_TRUSTED_KEYS).transform(parsed(parseTrustedKeys));

const devPublicKeys = [
  ...Object.values(DEV_INTERNAL_SIGNING_KEYS).map((pem) => createPublicKey(parseSigningKey(pem))),
  ...[...parseTrustedKeys(DEV_INTERNAL_TRUSTED_KEYS).values()].flat(),
];

/** Whether a key (private or public) is one of the committed development keys. */
export function isDevKey(key: KeyObject): boolean {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return devPublicKeys.some((dev) => dev.equals(publicKey));
}
