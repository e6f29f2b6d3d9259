import { generateKeyPairSync, randomUUID } from 'node:crypto';
import {
  DEV_JWT_SECRET,
  GATEWAY_ISSUER,
  INTERNAL_IDENTITY_HEADER,
  signInternalIdentity,
  signUserToken,
} from '@switchboard/core';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, type GraphQLResponse } from './support/client.ts';
import { SUBGRAPHS, gatewayToken, startStack, type Stack } from './support/stack.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(() => stack?.stop());

/** The HS256 secret every process shared before internal identities were signed with Ed25519. */
const OLD_INTERNAL_SECRET = new TextEncoder().encode('dev-only-internal-secret-change-me-in-production');
const someone = { userId: '00000000-0000-4000-8000-000000000001' };

async function callSubgraph(name: (typeof SUBGRAPHS)[number], token: string | undefined) {
  const response = await fetch(stack.subgraphs[name].url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token === undefined ? {} : { [INTERNAL_IDENTITY_HEADER]: token }),
    },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
  return { status: response.status, body: (await response.json()) as GraphQLResponse };
}

/** A token signed with the gateway's key whose audience is written by hand (none, or several). */
const signedByGateway = (audience: string | string[] | undefined) => {
  const token = new SignJWT({ uid: someone.userId })
    .setProtectedHeader({ alg: 'EdDSA', kid: GATEWAY_ISSUER })
    .setIssuer(GATEWAY_ISSUER)
    .setIssuedAt()
    .setExpirationTime('60s');
  return (audience === undefined ? token : token.setAudience(audience)).sign(stack.config.internalSigningKey);
};

describe.each(SUBGRAPHS)('the %s subgraph', (name) => {
  it('answers a token the gateway minted for it', async () => {
    const { status, body } = await callSubgraph(name, await gatewayToken(stack.config, someone, name));
    expect(status).toBe(200);
    expect(body.data).toEqual({ __typename: 'Query' });
  });

  it('answers a token signed the same way by hand, for it alone (the audience refusals differ only there)', async () => {
    const { status, body } = await callSubgraph(name, await signedByGateway(name));
    expect(status).toBe(200);
    expect(body.data).toEqual({ __typename: 'Query' });
  });

  const refusals: [string, () => Promise<string | undefined>][] = [
    ['no token', async () => undefined],
    [
      'a token signed by another key',
      async () =>
        signInternalIdentity(someone, {
          issuer: GATEWAY_ISSUER,
          key: generateKeyPairSync('ed25519').privateKey,
          audience: name,
        }),
    ],
    [
      'an expired token',
      async () =>
        signInternalIdentity(someone, {
          issuer: GATEWAY_ISSUER,
          key: stack.config.internalSigningKey,
          audience: name,
          ttlSeconds: -5,
        }),
    ],
    [
      'a token for another subgraph',
      async () =>
        gatewayToken(
          stack.config,
          someone,
          SUBGRAPHS.find((other) => other !== name)!,
        ),
    ],
    // fast-jwt checks `aud` only when the token has one: a token must name the one service it is for.
    ['a token that names no audience', async () => signedByGateway(undefined)],
    ['a token for several audiences, this one among them', async () => signedByGateway([...SUBGRAPHS])],
    [
      'a user token',
      async () => signUserToken({ userId: someone.userId, deviceId: randomUUID() }, DEV_JWT_SECRET, 3600),
    ],
    [
      "a service's own token (users signs its gRPC calls; over GraphQL only the gateway vouches)",
      async () =>
        signInternalIdentity(someone, {
          issuer: 'users',
          key: stack.config.serviceKeys.users,
          audience: name,
        }),
    ],
    [
      'an HS256 token signed with the old shared secret',
      async () =>
        new SignJWT({ uid: someone.userId })
          .setProtectedHeader({ alg: 'HS256', kid: GATEWAY_ISSUER })
          .setIssuer(GATEWAY_ISSUER)
          .setAudience(name)
          .setIssuedAt()
          .setExpirationTime('60s')
          .sign(OLD_INTERNAL_SECRET),
    ],
    [
      'an HS256 token keyed with the gateway’s public key',
      async () =>
        new SignJWT({ uid: someone.userId })
          .setProtectedHeader({ alg: 'HS256', kid: GATEWAY_ISSUER })
          .setIssuer(GATEWAY_ISSUER)
          .setAudience(name)
          .setExpirationTime('60s')
          .sign(
            Buffer.from(
              (stack.config.trustedKeys.get(GATEWAY_ISSUER)![0]!.export({ format: 'jwk' }).x as string) ?? '',
              'base64url',
            ),
          ),
    ],
  ];
  it.each(refusals)('refuses %s with UNAUTHENTICATED', async (_case, token) => {
    const { status, body } = await callSubgraph(name, await token());
    expect(status).toBe(401);
    expect(errorCode(body)).toBe('UNAUTHENTICATED');
    expect(body.data ?? null).toBeNull();
  });
});
