import { createPublicKey } from 'node:crypto';
import { badInput } from '@switchboard/core';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import type { UsersContext } from './createServer.ts';
import { decodeBase64Url } from './input.ts';
import { pushTargetRefusal } from './pushTargets.ts';
import { requireUser } from './requireUser.ts';

/** A browser's Web Push subscription (RFC 8030), encrypted to with RFC 8291 by the worker. */
interface PushSubscriptionInput {
  endpoint: string;
  p256dh: string;
  auth: string;
}

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
  { input }: { input: PushSubscriptionInput },
  context: UsersContext,
) {
  const userId = requireUser(context);
  if (!isP256Point(decodeBase64Url(input.p256dh)))
    throw badInput('p256dh must be base64url of an uncompressed P-256 public key (65 bytes)', 'p256dh');
  if (decodeBase64Url(input.auth)?.length !== 16)
    throw badInput('auth must be base64url of 16 bytes', 'auth');
  const endpoint = await parseEndpoint(input.endpoint, context);
  const keys = { p256dh: input.p256dh, auth: input.auth };
  // An endpoint belongs to one browser profile: registering it again moves it to the caller.
  await context.db.pushSubscription.upsert({
    where: { endpoint },
    create: { userId, endpoint, ...keys },
    update: { userId, ...keys },
  });
  return true;
}

export const pushResolvers: GraphQLResolverMap<UsersContext> = {
  Mutation: { registerPushSubscription },
};
