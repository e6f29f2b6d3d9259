import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PrismaClient } from './generated/prisma/client.ts';
import { createUserLoader } from './userLoader.ts';

describe('createUserLoader', () => {
  it('loads the users of one tick with one query, and null for unknown or malformed ids', async () => {
    const known: string[] = [randomUUID(), randomUUID()];
    const queries: unknown[] = [];
    const db = {
      user: {
        findMany: async (args: { where: { id: { in: string[] } } }) => {
          queries.push(args.where.id.in);
          return args.where.id.in
            .filter((id) => known.includes(id))
            .map((id) => ({ id, username: id.slice(0, 8) }));
        },
      },
    } as unknown as PrismaClient;
    const loader = createUserLoader(db);
    const unknown = randomUUID();
    const users = await Promise.all(
      [...known, unknown, 'not-a-uuid', known[0]!].map((id) => loader.load(id)),
    );
    expect(users.map((user) => user?.id ?? null)).toEqual([known[0], known[1], null, null, known[0]]);
    expect(queries).toEqual([[known[0], known[1], unknown]]);
  });
});
