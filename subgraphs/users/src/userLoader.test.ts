import { randomUUID } from 'node:crypto';
import { pgAdapter } from '@switchboard/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileDatabaseUrl } from '../../../tests/support/database.ts';
import { PrismaClient } from './generated/prisma/client.ts';
import { createUserLoader } from './userLoader.ts';

let db: PrismaClient;
let queries = 0;
beforeAll(async () => {
  db = new PrismaClient({
    adapter: pgAdapter(await fileDatabaseUrl('users'), 2),
    log: [{ emit: 'event', level: 'query' }],
  });
  // Counts the SQL statements the client sends (Prisma's query log as events).
  (db as unknown as { $on(event: 'query', listener: () => void): void }).$on('query', () => (queries += 1));
});
afterAll(() => db?.$disconnect());

describe('createUserLoader', () => {
  it('loads the users of one tick with one query, and null for unknown or malformed ids', async () => {
    const known = await Promise.all(
      [0, 1].map((i) =>
        db.user.create({
          data: { username: `loader_${i}_${Date.now()}`, displayName: `L${i}`, passwordHash: 'x' },
        }),
      ),
    );
    const loader = createUserLoader(db);
    const before = queries;
    const users = await Promise.all(
      [known[0]!.id, known[1]!.id, randomUUID(), 'not-a-uuid', known[0]!.id].map((id) => loader.load(id)),
    );
    expect(users.map((user) => user?.id ?? null)).toEqual([
      known[0]!.id,
      known[1]!.id,
      null,
      null,
      known[0]!.id,
    ]);
    expect(queries - before).toBe(1);
  });
});
