import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';

/**
 * Applies Prisma migrations (`prisma/<subgraph>/migrations/<timestamp>_<name>/migration.sql`)
 * without Prisma's schema engine, which cannot be downloaded on our machines. It keeps
 * Prisma's format: the same folders, and the same `_prisma_migrations` table and checksums
 * (sha256 of migration.sql), so `prisma migrate status`/`deploy` agree with it wherever the
 * engine is available. Each subgraph records its migrations inside its own schema.
 */
export interface MigrateOptions {
  databaseUrl: string;
  /** Postgres schema the migrations belong to (and where `_prisma_migrations` lives). */
  schema: string;
  migrationsDir: string;
  log?: (message: string) => void;
}

// Prisma's own advisory lock key for migrations, so we exclude `prisma migrate` as well.
const PRISMA_MIGRATE_LOCK = 72707369;

export async function migrate(options: MigrateOptions): Promise<string[]> {
  const log = options.log ?? (() => {});
  const folders = (await readdir(options.migrationsDir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  const applied: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK]);
    const table = `"${options.schema}"."_prisma_migrations"`;
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${table} (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0
    )`);
    const { rows } = await client.query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
    }>(`SELECT migration_name, checksum, finished_at FROM ${table} WHERE rolled_back_at IS NULL`);
    const done = new Map(rows.map((row) => [row.migration_name, row]));
    for (const name of folders) {
      const sql = await readFile(join(options.migrationsDir, name, 'migration.sql'), 'utf8');
      const checksum = createHash('sha256').update(sql).digest('hex');
      const previous = done.get(name);
      if (previous) {
        if (!previous.finished_at)
          throw new Error(`Migration ${options.schema}/${name} failed earlier; resolve it by hand`);
        if (previous.checksum !== checksum)
          log(`warning: ${options.schema}/${name} was modified after it was applied`);
        continue;
      }
      // One transaction per migration: a failing migration leaves nothing half-applied.
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query(
          `INSERT INTO ${table} (id, checksum, finished_at, migration_name, applied_steps_count)
           VALUES ($1, $2, now(), $3, 1)`,
          [randomUUID(), checksum, name],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`Migration ${options.schema}/${name} failed: ${(error as Error).message}`);
      }
      applied.push(name);
      log(`applied ${options.schema}/${name}`);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK]).catch(() => {});
    await client.end();
  }
  return applied;
}

export const SUBGRAPH_SCHEMAS = ['users', 'chats', 'media', 'presence', 'calls'] as const;
export type SubgraphSchema = (typeof SUBGRAPH_SCHEMAS)[number];

/**
 * Migrates subgraphs' schemas from `<prismaDir>/<schema>/migrations`: every subgraph's into one
 * database, or each into its own (a URL per subgraph; those it names, when it names only some).
 */
export async function migrateAll(
  databaseUrl: string | Partial<Record<SubgraphSchema, string>>,
  prismaDir: string,
  log?: (message: string) => void,
): Promise<void> {
  for (const schema of SUBGRAPH_SCHEMAS) {
    const url = typeof databaseUrl === 'string' ? databaseUrl : databaseUrl[schema];
    if (!url) continue;
    await migrate({
      databaseUrl: url,
      schema,
      migrationsDir: join(prismaDir, schema, 'migrations'),
      ...(log ? { log } : {}),
    });
  }
}
