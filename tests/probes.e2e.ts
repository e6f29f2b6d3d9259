import { createTestDatabase, migrate, type TestDatabase } from '@switchboard/db';
import { createServer as createUsers } from '@switchboard/users';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { startStack, type Stack } from './support/stack.ts';

/**
 * The probes an orchestrator uses (deploy/k8s): `/live` says the process answers, `/ready` that it
 * may take traffic. A subgraph is ready once its migrations are applied and its dependencies
 * answer; a gateway once its Redis (live events) is reachable.
 */
let stack: Stack;
const closers: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  stack = await startStack({ worker: false });
});
afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await stack?.stop();
});

const probe = async (base: string, path: string) => {
  const response = await fetch(new URL(path, base));
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe('liveness and readiness probes', () => {
  it('are both up on the gateway and on every subgraph of a running stack', async () => {
    for (const server of [stack.gateway, ...Object.values(stack.subgraphs)]) {
      expect(await probe(server.url, '/live')).toMatchObject({ status: 200, body: { status: 'live' } });
      expect(await probe(server.url, '/ready')).toMatchObject({ status: 200, body: { status: 'ready' } });
    }
  });

  it('keeps a subgraph live but not ready until its migrations are applied', async () => {
    // An empty database: the users subgraph starts, but its tables are not there yet.
    const database: TestDatabase = await createTestDatabase(inject('adminDatabaseUrl'), {
      template: 'template0',
    });
    closers.push(() => database.drop());
    const users = await (
      await createUsers({
        databaseUrl: database.url,
        trustedKeys: stack.config.trustedKeys,
        signingKey: stack.config.serviceKeys.users,
        chatsRpcUrl: stack.subgraphs.chats.rpcUrl!,
        rpcPort: 0,
        development: true,
        jwtSecret: stack.config.jwtSecret,
        tokenTtlSeconds: 60,
      })
    ).listen(0);
    closers.push(() => users.stop());

    expect((await probe(users.url, '/live')).status).toBe(200);
    const before = await probe(users.url, '/ready');
    expect(before.status).toBe(503);
    expect(before.body['pendingMigrations']).toEqual(
      expect.arrayContaining([expect.stringMatching(/_init/)]),
    );

    await migrate({
      databaseUrl: database.url,
      schema: 'users',
      migrationsDir: new URL('../prisma/users/migrations', import.meta.url).pathname,
    });
    expect(await probe(users.url, '/ready')).toMatchObject({ status: 200, body: { status: 'ready' } });
  });

  it('keeps a gateway live but not ready while its Redis is unreachable', async () => {
    const gateway = await stack.startGateway({ redisUrl: 'redis://127.0.0.1:1', entityCache: false });
    expect((await probe(gateway.url, '/live')).status).toBe(200);
    expect(await probe(gateway.url, '/ready')).toMatchObject({
      status: 503,
      body: { status: 'unavailable', redis: 'unavailable' },
    });
  });
});
