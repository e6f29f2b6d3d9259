import { randomUUID } from 'node:crypto';
import {
  SUBGRAPH_SCHEMAS,
  connectionAs,
  createTestDatabase,
  pgAdapter,
  type TestDatabase,
} from '@switchboard/db';
import { redisConnection } from '@switchboard/messaging';
import { inject } from 'vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { rebuildProjection } from '../apps/worker/src/rebuildProjection.ts';
import { PrismaClient as ChatsDb } from '../subgraphs/chats/src/generated/prisma/client.ts';
import { Client, errorCode, signUp } from './support/client.ts';
import { fileDatabaseUrl } from './support/database.ts';
import { startStack, type Stack } from './support/stack.ts';

/** Runs `sql` as `subgraph`'s role; answers 'ok' or the Postgres error code (42501: insufficient privilege). */
async function asRole(databaseUrl: string, subgraph: string, sql: string): Promise<string> {
  const client = new pg.Client(connectionAs(databaseUrl, subgraph));
  await client.connect();
  try {
    await client.query(sql);
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  } finally {
    await client.end();
  }
}

describe("each subgraph's role (issue 12, item 6)", () => {
  it.each(SUBGRAPH_SCHEMAS)('%s reads and writes its own schema and no other', async (subgraph) => {
    const url = await fileDatabaseUrl(subgraph);
    const reads = await Promise.all(
      SUBGRAPH_SCHEMAS.map((schema) =>
        asRole(url, subgraph, `SELECT count(*) FROM "${schema}"."OutboxEvent"`),
      ),
    );
    expect(Object.fromEntries(SUBGRAPH_SCHEMAS.map((schema, i) => [schema, reads[i]]))).toEqual(
      Object.fromEntries(SUBGRAPH_SCHEMAS.map((schema) => [schema, schema === subgraph ? 'ok' : '42501'])),
    );
    // Its own outbox takes writes (in a transaction rolled back), and the role cannot make itself more.
    expect(
      await asRole(
        url,
        subgraph,
        `BEGIN; INSERT INTO "${subgraph}"."OutboxEvent" ("eventId", type, version, payload) VALUES (gen_random_uuid(), 'x', 1, '{}'); ROLLBACK`,
      ),
    ).toBe('ok');
    expect(await asRole(url, subgraph, 'CREATE ROLE "switchboard_escape"')).toBe('42501');
  });

  it("chats' own client cannot read users' tables", async () => {
    const chatsDb = new ChatsDb({
      adapter: pgAdapter(await fileDatabaseUrl('chats'), { subgraph: 'chats', maxConnections: 1 }),
    });
    try {
      await expect(
        chatsDb.$queryRawUnsafe('SELECT "passwordHash" FROM "users"."User" LIMIT 1'),
      ).rejects.toThrow(/permission denied for schema users/);
      expect(await chatsDb.chat.count()).toBeGreaterThanOrEqual(0);
    } finally {
      await chatsDb.$disconnect();
    }
  });
});

describe('a database per subgraph (issue 14)', () => {
  // users on one database, chats, media and presence on another: each migrated with its own schemas only.
  let usersDatabase: TestDatabase;
  let othersDatabase: TestDatabase;
  let stack: Stack;
  beforeAll(async () => {
    const prismaDir = new URL('../prisma', import.meta.url).pathname;
    const admin = inject('adminDatabaseUrl');
    [usersDatabase, othersDatabase] = await Promise.all([
      createTestDatabase(admin, { prismaDir, schemas: ['users'] }),
      createTestDatabase(admin, { prismaDir, schemas: ['chats', 'media', 'presence', 'calls'] }),
    ]);
    stack = await startStack({
      databaseUrls: {
        users: usersDatabase.url,
        chats: othersDatabase.url,
        media: othersDatabase.url,
        presence: othersDatabase.url,
        calls: othersDatabase.url,
      },
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await Promise.all([usersDatabase?.drop(), othersDatabase?.drop()]);
  });

  const schemasOf = async (url: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string }>(
        `SELECT nspname AS name FROM pg_namespace WHERE nspname = ANY($1) ORDER BY nspname`,
        [SUBGRAPH_SCHEMAS],
      );
      return rows.map((row) => row.name);
    } finally {
      await client.end();
    }
  };

  it('keeps each schema on its own database only', async () => {
    expect(await schemasOf(usersDatabase.url)).toEqual(['users']);
    expect(await schemasOf(othersDatabase.url)).toEqual(['calls', 'chats', 'media', 'presence']);
  });

  it('serves the contract across the two: chats asks users which ids exist, events cross by the outbox', async () => {
    const anonymous = new Client(stack.gateway.url);
    const [alice, bob] = await Promise.all([signUp(anonymous, 'Alice'), signUp(anonymous, 'Bob')]);
    const created = await alice.client.data('CreateDirectChat', { userId: bob.id });
    // Members' names come from users' database, the chat from the other.
    expect(
      created.createDirectChat.members
        .map((m: { user: { displayName: string } }) => m.user.displayName)
        .sort(),
    ).toEqual(['Alice', 'Bob']);
    expect(errorCode(await alice.client.op('CreateDirectChat', { userId: randomUUID() }))).toBe(
      'BAD_USER_INPUT',
    );
    const chatId = created.createDirectChat.id;
    const send = () =>
      bob.client.op('SendMessage', { input: { chatId, clientId: randomUUID(), body: 'hi' } });
    expect(errorCode(await send())).toBeUndefined();

    await alice.client.data('BlockUser', { userId: bob.id });
    expect(errorCode(await send())).toBe('FORBIDDEN');

    // The event path, relayed from users' database to chats' projection on the other: a rebuild
    // (which reads users' outbox there and resets chats' versions here) brings back a lost row.
    const chatsDb = new ChatsDb({ adapter: pgAdapter(othersDatabase.url, 1) });
    const redis = redisConnection(stack.config.redisUrl);
    try {
      const pair = { blockerId: alice.id, blockedId: bob.id };
      await chatsDb.blockProjection.deleteMany({ where: pair });
      expect(errorCode(await send())).toBeUndefined();
      const replayed = await rebuildProjection({
        databaseUrl: othersDatabase.url,
        databaseUrls: stack.config.databaseUrls,
        queue: 'chats-projections',
        redis,
        prefix: stack.config.queuePrefix,
      });
      expect(replayed).toBeGreaterThanOrEqual(1);
      await expect.poll(async () => errorCode(await send()), { timeout: 10_000 }).toBe('FORBIDDEN');
    } finally {
      await chatsDb.$disconnect();
      redis.disconnect();
    }
  });
});
