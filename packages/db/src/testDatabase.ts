import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { SUBGRAPH_SCHEMAS, migrateAll, type SubgraphSchema } from './migrate.ts';

const withAdmin = async <T>(baseUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> => {
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    return await run(admin);
  } finally {
    await admin.end();
  }
};

const urlFor = (baseUrl: string, name: string) => {
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
};

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A database for tests (conventions.md: isolated, cleaned up after). With `template`, a copy of that
 * (already migrated) database, which takes a fraction of a second; otherwise a fresh one with
 * the migrations of `schemas` (default: every subgraph's) applied. `baseUrl` is any database we
 * may run CREATE/DROP DATABASE from.
 */
export async function createTestDatabase(
  baseUrl: string,
  options: { prismaDir: string; schemas?: readonly SubgraphSchema[] } | { template: string },
): Promise<TestDatabase> {
  const name = `test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await withAdmin(baseUrl, (admin) =>
    admin.query(`CREATE DATABASE "${name}"${'template' in options ? ` TEMPLATE "${options.template}"` : ''}`),
  );
  const url = urlFor(baseUrl, name);
  if ('prismaDir' in options) {
    const schemas = options.schemas ?? SUBGRAPH_SCHEMAS;
    await migrateAll(Object.fromEntries(schemas.map((schema) => [schema, url])), options.prismaDir);
  }
  return {
    url,
    drop: () =>
      withAdmin(baseUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(
        () => {},
      ),
  };
}

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}
