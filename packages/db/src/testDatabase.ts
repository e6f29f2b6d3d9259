import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrateAll } from './migrate.ts';

/**
 * A fresh, migrated database for one test run (style.md: isolated per run, cleaned up after).
 * `baseUrl` points at a database we can connect to for CREATE/DROP DATABASE.
 */
export async function createTestDatabase(
  baseUrl: string,
  prismaDir: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  await migrateAll(url.toString(), prismaDir);
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: baseUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
