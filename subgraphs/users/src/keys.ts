import { createPublicKey, verify } from 'node:crypto';
import { badInput, notFound, isUuid } from '@switchboard/core';
import type {
  MutationClaimPreKeyBundleArgs,
  MutationPublishKeysArgs,
  PublishKeysInput,
  Resolvers,
} from './__generated__/resolvers-types.ts';
import type { UsersContext } from './context.ts';
import { decodeBase64 } from './input.ts';
import { requireUser } from './requireUser.ts';

/**
 * The end-to-end key directory (X3DH): a user publishes an Ed25519 identity key, a signed
 * prekey and a batch of one-time prekeys; whoever starts a session claims a bundle, which uses
 * up one one-time prekey. The server only stores public keys and checks the prekey signature.
 */

const MAX_ONE_TIME_PREKEYS = 200;
const ED25519_KEY_BYTES = 32;
const ED25519_SIGNATURE_BYTES = 64;

function base64Bytes(value: string, field: string, allowedLengths: readonly number[]): Buffer {
  const bytes = decodeBase64(value);
  if (!bytes || !allowedLengths.includes(bytes.length))
    throw badInput(`${field} must be base64 of ${allowedLengths.join(' or ')} bytes`, field);
  return bytes;
}

// A prekey is a Curve25519 public key: 32 bytes, or 33 with the type byte Signal puts in front.
const prekeyBytes = (value: string, field: string) => base64Bytes(value, field, [32, 33]);

function keyId(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 0) throw badInput(`${field} must be a non-negative integer`, field);
  return value;
}

function verifyEd25519(rawPublicKey: Buffer, data: Buffer, signature: Buffer): boolean {
  try {
    const key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: rawPublicKey.toString('base64url') },
      format: 'jwk',
    });
    return verify(null, data, key, signature);
  } catch {
    // Not a point on the curve.
    return false;
  }
}

/** Validates everything before anything is written: bad input leaves the stored bundle as it was. */
function parsePublishKeys(input: PublishKeysInput) {
  const identityKey = base64Bytes(input.identityKey, 'identityKey', [ED25519_KEY_BYTES]);
  const signedPreKeyId = keyId(input.signedPreKey.keyId, 'signedPreKey.keyId');
  const signedPreKey = prekeyBytes(input.signedPreKey.publicKey, 'signedPreKey.publicKey');
  const signature = base64Bytes(input.signedPreKey.signature, 'signedPreKey.signature', [
    ED25519_SIGNATURE_BYTES,
  ]);
  if (!verifyEd25519(identityKey, signedPreKey, signature))
    throw badInput(
      'signedPreKey.signature is not a signature of signedPreKey.publicKey by identityKey',
      'signedPreKey.signature',
    );

  if (input.oneTimePreKeys.length > MAX_ONE_TIME_PREKEYS)
    throw badInput(`At most ${MAX_ONE_TIME_PREKEYS} one-time prekeys per call`, 'oneTimePreKeys');
  const seen = new Set<number>();
  const oneTimePreKeys = input.oneTimePreKeys.map((key, index) => {
    const id = keyId(key.keyId, `oneTimePreKeys[${index}].keyId`);
    if (seen.has(id)) throw badInput(`Duplicate one-time prekey id ${id}`, `oneTimePreKeys[${index}].keyId`);
    seen.add(id);
    prekeyBytes(key.publicKey, `oneTimePreKeys[${index}].publicKey`);
    return { keyId: id, publicKey: key.publicKey };
  });
  return {
    identity: {
      identityKey: input.identityKey,
      signedPreKeyId,
      signedPreKey: input.signedPreKey.publicKey,
      signedPreKeySignature: input.signedPreKey.signature,
    },
    oneTimePreKeys,
  };
}

/**
 * One transaction. A one-time prekey id the user already has is replaced: the client is the
 * one holding the private keys, so the directory keeps what it sent last. A new identity key
 * means a reinstalled client whose old private prekeys are gone, so its unclaimed one-time
 * prekeys are dropped rather than handed out. The prekeys belong to the device that published
 * them (revoking it deletes those still unclaimed).
 */
async function publishKeys(_: unknown, { input }: MutationPublishKeysArgs, context: UsersContext) {
  const userId = requireUser(context);
  const deviceId = context.identity.deviceId ?? null;
  const { identity, oneTimePreKeys } = parsePublishKeys(input);
  const oneTimePreKeyCount = await context.db.$transaction(async (tx) => {
    const previous = await tx.identityKey.findUnique({ where: { userId }, select: { identityKey: true } });
    if (previous && previous.identityKey !== identity.identityKey)
      await tx.oneTimePreKey.deleteMany({ where: { userId } });
    await tx.identityKey.upsert({ where: { userId }, create: { userId, ...identity }, update: identity });
    if (oneTimePreKeys.length) {
      const keyIds = oneTimePreKeys.map((key) => key.keyId);
      const publicKeys = oneTimePreKeys.map((key) => key.publicKey);
      // One statement for the whole batch; Prisma's createMany cannot update on conflict.
      await tx.$executeRaw`
        INSERT INTO "users"."OneTimePreKey" ("userId", "deviceId", "keyId", "publicKey")
        SELECT ${userId}::uuid, ${deviceId}::uuid, k, p
        FROM unnest(${keyIds}::int[], ${publicKeys}::text[]) AS t(k, p)
        ON CONFLICT ("userId", "keyId") DO UPDATE
          SET "publicKey" = EXCLUDED."publicKey", "deviceId" = EXCLUDED."deviceId"`;
    }
    return tx.oneTimePreKey.count({ where: { userId } });
  });
  return { oneTimePreKeyCount };
}

/**
 * Takes the oldest unclaimed one-time prekey in one statement: the row is locked, deleted and
 * returned together, and concurrent claims skip rows another claim holds, so each key goes to
 * at most one caller.
 */
async function claimPreKeyBundle(
  _: unknown,
  { userId }: MutationClaimPreKeyBundleArgs,
  context: UsersContext,
) {
  requireUser(context);
  if (!isUuid(userId)) throw notFound('Key bundle');
  const owner = userId.toLowerCase();
  const identity = await context.db.identityKey.findUnique({ where: { userId: owner } });
  if (!identity) throw notFound('Key bundle');
  const [oneTimePreKey] = await context.db.$queryRaw<{ keyId: number; publicKey: string }[]>`
    DELETE FROM "users"."OneTimePreKey"
    WHERE id = (
      SELECT id FROM "users"."OneTimePreKey"
      WHERE "userId" = ${owner}::uuid
      ORDER BY id
      LIMIT 1
      FOR UPDATE SKIP LOCKED
    )
    RETURNING "keyId", "publicKey"`;
  return {
    identityKey: identity.identityKey,
    signedPreKey: {
      keyId: identity.signedPreKeyId,
      publicKey: identity.signedPreKey,
      signature: identity.signedPreKeySignature,
    },
    oneTimePreKey: oneTimePreKey ?? null,
  };
}

export const keyResolvers: Resolvers = {
  Mutation: { publishKeys, claimPreKeyBundle },
};
