import type { TestProject } from 'vitest/node';
import type {} from './database.ts';
import { createTestDatabase, databaseName } from '@switchboard/db';

/**
 * Migrates one template database per run; each test file then gets its own copy of it
 * (tests/support/database.ts), so files running in parallel never see each other's rows or
 * events. Everything is dropped afterwards.
 */
export default async function setup(project: TestProject) {
  const admin = process.env['DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/test';
  const template = await createTestDatabase(admin, {
    prismaDir: new URL('../../prisma', import.meta.url).pathname,
  });
  project.provide('adminDatabaseUrl', admin);
  project.provide('templateDatabase', databaseName(template.url));
  return async () => {
    await template.drop();
  };
}
