import { readdir } from 'node:fs/promises';
import pg from 'pg';

/**
 * The migrations of `migrationsDir` that `schema` has not applied (finished, not rolled back)
 * according to its `_prisma_migrations` table; all of them when the table is not there yet.
 * A process is ready to serve only once this is empty (`/ready`).
 */
export async function pendingMigrations(options: {
  databaseUrl: string;
  schema: string;
  migrationsDir: string;
}): Promise<string[]> {
  const folders = (await readdir(options.migrationsDir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const client = new pg.Client({ connectionString: options.databaseUrl, connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    const { rows } = await client.query<{ migration_name: string }>(
      `SELECT migration_name FROM "${options.schema}"."_prisma_migrations"
       WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const applied = new Set(rows.map((row) => row.migration_name));
    return folders.filter((name) => !applied.has(name));
  } catch (error) {
    if ((error as { code?: string }).code === '42P01') return folders; // no migrations table yet
    throw error;
  } finally {
    await client.end();
  }
}
