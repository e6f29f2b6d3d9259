import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, uniqueName } from './support/client.ts';
import { fileDatabaseUrls } from './support/database.ts';
import { startStack, type Stack } from './support/stack.ts';

/**
 * A database out of connections (issue 23): Postgres at max_connections, with another stack on the
 * same server, refused the tests' connections and the client saw INTERNAL_SERVER_ERROR. It is a
 * fault like a subgraph down: SERVICE_UNAVAILABLE with retryAfter. Here users connects as a login
 * of its own whose connection limit is 0, so Postgres refuses it exactly as when it is full
 * ("too many connections", SQLSTATE 53300).
 */

const login = `switchboard_test_full_${randomBytes(4).toString('hex')}`;
let admin: pg.Client;
let stack: Stack;

beforeAll(async () => {
  const urls = await fileDatabaseUrls();
  admin = new pg.Client({ connectionString: urls.users });
  await admin.connect();
  await admin.query(`CREATE ROLE "${login}" LOGIN CONNECTION LIMIT 0`);
  await admin.query(`GRANT switchboard_users TO "${login}"`);
  const full = new URL(urls.users);
  full.username = login;
  full.password = '';
  stack = await startStack({ databaseUrls: { ...urls, users: full.toString() }, worker: false });
});
afterAll(async () => {
  await stack?.stop();
  await admin?.query(`DROP ROLE IF EXISTS "${login}"`);
  await admin?.end();
});

describe('a database that refuses connections', () => {
  it('answers SERVICE_UNAVAILABLE with retryAfter (HTTP 503), not an internal error', async () => {
    const result = await new Client(stack.gateway.url).op('SignUpDevice', {
      input: { username: uniqueName(), password: 'correct horse battery', displayName: 'Busy' },
    });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryAfter: 1 });
    expect(result.status).toBe(503);
  });
});
