import type { TestProject } from 'vitest/node';
import { createTestDatabase } from '@switchboard/db';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

/** One fresh, migrated database per test run, dropped afterwards (style.md, "Tests"). */
export default async function setup(project: TestProject) {
  const base = process.env['DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/test';
  const database = await createTestDatabase(base, new URL('../../prisma', import.meta.url).pathname);
  project.provide('databaseUrl', database.url);
  return async () => {
    await database.drop();
  };
}
