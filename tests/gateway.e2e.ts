import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import {
  DEV_INTERNAL_SIGNING_KEYS,
  DEV_INTERNAL_TRUSTED_KEYS,
  DEV_JWT_SECRET,
  parseSigningKey,
  parseTrustedKeys,
  refuseDevSecretsInProduction,
} from '@switchboard/core';
import type { HealthReport } from '../apps/gateway/src/health.ts';
import { Client, errorCode } from './support/client.ts';
import { startStack, type Stack } from './support/stack.ts';

let stack: Stack;
let anonymous: Client;
beforeAll(async () => {
  stack = await startStack();
  anonymous = new Client(stack.gateway.url);
});
afterAll(() => stack?.stop());

describe('gateway', () => {
  it('answers /health with 200 when every subgraph answers', async () => {
    const response = await fetch(new URL('/health', stack.gateway.url));
    expect(response.status).toBe(200);
    const body = (await response.json()) as HealthReport;
    expect(body.subgraphs).toEqual({ users: 'ok', chats: 'ok', media: 'ok', presence: 'ok', calls: 'ok' });
  });

  it('answers /health with 503 naming the subgraph that is down', async () => {
    const other = await startStack();
    await other.subgraphs.media.stop();
    const response = await fetch(new URL('/health', other.gateway.url));
    expect(response.status).toBe(503);
    expect(((await response.json()) as HealthReport).subgraphs['media']).toBe('unavailable');
    await other.gateway.stop();
    await Promise.all(['users', 'chats', 'presence'].map((n) => other.subgraphs[n as 'users'].stop()));
  });

  it('refuses a bad bearer token with UNAUTHENTICATED', async () => {
    const result = await anonymous.withToken('not-a-token').op('Me');
    expect(errorCode(result)).toBe('UNAUTHENTICATED');
  });

  it('rejects a document that does not validate with GRAPHQL_VALIDATION_FAILED', async () => {
    const result = await anonymous.request('{ nope }');
    expect(errorCode(result)).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('rejects a document that does not parse with GRAPHQL_PARSE_FAILED', async () => {
    const result = await anonymous.request('{ me { ');
    expect(errorCode(result)).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('serves Apollo Sandbox and introspection in development', async () => {
    const page = await fetch(stack.gateway.url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('sandbox');
    const result = await anonymous.request('{ __schema { queryType { name } } }');
    expect(result.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  it('turns both off in production, and refuses to start there with the development secrets', async () => {
    const production = await stack.startGateway({ development: false });
    const page = await fetch(production.url, { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toContain('sandbox');
    const result = await new Client(production.url).request('{ __schema { queryType { name } } }');
    expect(errorCode(result)).toBe('GRAPHQL_VALIDATION_FAILED');

    const real = generateKeyPairSync('ed25519');
    const secrets = {
      JWT_SECRET: 'a-real-secret-of-at-least-32-characters!',
      INTERNAL_SIGNING_KEY: real.privateKey,
      INTERNAL_TRUSTED_KEYS: new Map([['gateway', [real.publicKey]]]),
    };
    expect(() => refuseDevSecretsInProduction({ NODE_ENV: 'production', ...secrets })).not.toThrow();
    const devSigningKey = parseSigningKey(DEV_INTERNAL_SIGNING_KEYS.gateway);
    expect(() =>
      refuseDevSecretsInProduction({
        NODE_ENV: 'production',
        ...secrets,
        INTERNAL_SIGNING_KEY: devSigningKey,
      }),
    ).toThrow(/INTERNAL_SIGNING_KEY/);
    const devTrusted = parseTrustedKeys(DEV_INTERNAL_TRUSTED_KEYS);
    expect(() =>
      refuseDevSecretsInProduction({ NODE_ENV: 'production', ...secrets, INTERNAL_TRUSTED_KEYS: devTrusted }),
    ).toThrow(/INTERNAL_TRUSTED_KEYS/);
    expect(() =>
      refuseDevSecretsInProduction({ NODE_ENV: 'production', ...secrets, JWT_SECRET: DEV_JWT_SECRET }),
    ).toThrow(/JWT_SECRET/);
    expect(() =>
      refuseDevSecretsInProduction({
        NODE_ENV: 'development',
        JWT_SECRET: DEV_JWT_SECRET,
        INTERNAL_SIGNING_KEY: devSigningKey,
        INTERNAL_TRUSTED_KEYS: devTrusted,
      }),
    ).not.toThrow();
  });
});
