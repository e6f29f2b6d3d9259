import { createPublicKey, randomUUID } from 'node:crypto';
import { badInput, forbidden } from '@switchboard/core';
import type { MutationRegisterPushSubscriptionArgs, Resolvers } from './__generated__/resolvers-types.ts';
import type { UsersContext } from './context.ts';
import { decodeBase64Url } from './input.ts';
import { pushTargetRefusal } from './pushTargets.ts';
import { requireUser } from './requireUser.ts';

const MAX_ENDPOINT = 2048;

/**
 * The worker will POST to it: an https URL of a public push service (pushTargets.ts), or a host
 * PUSH_ALLOW_HOSTS names (development). Returns the URL as WHATWG serialises it, so what was
 * checked is what is sent to. Every refusal reads the same, so a caller cannot probe which
 * internal names resolve.
 */
async function parseEndpoint(endpoint: string, context: UsersContext): Promise<string> {
  const refusal =
    endpoint.length > MAX_ENDPOINT ? 'too long' : await pushTargetRefusal(endpoint, context.config.push);
  if (refusal !== null)
    throw badInput(
      `endpoint must be an https URL of a public push service, at most ${MAX_ENDPOINT} characters`,
      'endpoint',
    );
  return new URL(endpoint).href;
}

/** An uncompressed P-256 point (0x04 || x || y) that is on the curve; RFC 8291 needs it for ECDH. */
function isP256Point(bytes: Buffer | null): boolean {
  if (bytes?.length !== 65 || bytes[0] !== 0x04) return false;
  try {
    createPublicKey({
      key: {
        kty: 'EC',
        crv: 'P-256',
        x: bytes.subarray(1, 33).toString('base64url'),
        y: bytes.subarray(33).toString('base64url'),
      },
      format: 'jwk',
    });
    return true;
  } catch {
    return false;
  }
}

async function registerPushSubscription(
  _: unknown,
  { input }: MutationRegisterPushSubscriptionArgs,
  context: UsersContext,
) {
  const userId = requireUser(context);
  if (!isP256Point(decodeBase64Url(input.p256dh)))
    throw badInput('p256dh must be base64url of an uncompressed P-256 public key (65 bytes)', 'p256dh');
  if (decodeBase64Url(input.auth)?.length !== 16)
    throw badInput('auth must be base64url of 16 bytes', 'auth');
  const endpoint = await parseEndpoint(input.endpoint, context);
  // An endpoint belongs to one browser profile. Its owner may register it again (new keys); another
  // account takes it over only with the same keys, i.e. from that browser (someone who signed in
  // there). Anyone else learned the URL elsewhere and must not redirect its pushes: FORBIDDEN.
  // One statement, so two concurrent registrations cannot both win. It belongs to the device that
  // registered it last (revoking that device deletes it).
  const deviceId = context.identity.deviceId ?? null;
  const stored = await context.db.$executeRaw`
    INSERT INTO "users"."PushSubscription" (id, "userId", "deviceId", endpoint, p256dh, auth)
    VALUES (${randomUUID()}::uuid, ${userId}::uuid, ${deviceId}::uuid, ${endpoint}, ${input.p256dh}, ${input.auth})
    ON CONFLICT (endpoint) DO UPDATE
      SET "userId" = EXCLUDED."userId", "deviceId" = EXCLUDED."deviceId", p256dh = EXCLUDED.p256dh,
        auth = EXCLUDED.auth
      WHERE "PushSubscription"."userId" = EXCLUDED."userId"
         OR ("PushSubscription".p256dh = EXCLUDED.p256dh AND "PushSubscription".auth = EXCLUDED.auth)`;
  if (stored === 0) throw forbidden('This push endpoint is registered to another account');
  return true;
}

export const pushResolvers: Resolvers = {
  Mutation: { registerPushSubscription },
};
