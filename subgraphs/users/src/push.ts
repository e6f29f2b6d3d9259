import { createPublicKey } from 'node:crypto';
import { badInput } from '@switchboard/core';
import type { MutationRegisterPushSubscriptionArgs, Resolvers } from './__generated__/resolvers-types.ts';
import type { UsersContext } from './context.ts';
import { decodeBase64Url } from './input.ts';
import { requireUser } from './requireUser.ts';

const MAX_ENDPOINT = 2048;
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The worker will POST to it: https only, except a local push service in development (tests). */
function parseEndpoint(endpoint: string, development: boolean): string {
  const url = endpoint.length <= MAX_ENDPOINT && URL.canParse(endpoint) ? new URL(endpoint) : null;
  const allowed =
    url?.protocol === 'https:' || (development && url?.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname));
  if (!allowed)
    throw badInput(`endpoint must be an https URL of at most ${MAX_ENDPOINT} characters`, 'endpoint');
  return endpoint;
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
  const endpoint = parseEndpoint(input.endpoint, context.config.development);
  if (!isP256Point(decodeBase64Url(input.p256dh)))
    throw badInput('p256dh must be base64url of an uncompressed P-256 public key (65 bytes)', 'p256dh');
  if (decodeBase64Url(input.auth)?.length !== 16)
    throw badInput('auth must be base64url of 16 bytes', 'auth');
  const keys = { p256dh: input.p256dh, auth: input.auth };
  // An endpoint belongs to one browser profile: registering it again moves it to the caller.
  await context.db.pushSubscription.upsert({
    where: { endpoint },
    create: { userId, endpoint, ...keys },
    update: { userId, ...keys },
  });
  return true;
}

export const pushResolvers: Resolvers = {
  Mutation: { registerPushSubscription },
};
