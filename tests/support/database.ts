import { createTestDatabase, type SubgraphSchema, type TestDatabase } from '@switchboard/db';
import { afterAll, inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
    /** One migrated template per Postgres server, with the schemas of the subgraphs that live there. */
    templateDatabases: { adminUrl: string; schemas: SubgraphSchema[]; template: string }[];
  }
}

let current: Promise<{ urls: Record<SubgraphSchema, string>; copies: TestDatabase[] }> | undefined;

/**
 * This test file's own databases (copies of the run's migrated templates), dropped after the file:
 * each subgraph's URL, on the server its DATABASE_URL_<SUBGRAPH> names (all one database unless set).
 */
export function fileDatabaseUrls(): Promise<Record<SubgraphSchema, string>> {
  if (!current) {
    current = Promise.all(
      inject('templateDatabases').map(async ({ adminUrl, schemas, template }) => ({
        schemas,
        copy: await createTestDatabase(adminUrl, { template }),
      })),
    ).then((copies) => ({
      urls: Object.fromEntries(
        copies.flatMap(({ schemas, copy }) => schemas.map((schema) => [schema, copy.url])),
      ) as Record<SubgraphSchema, string>,
      copies: copies.map(({ copy }) => copy),
    }));
    afterAll(async () => {
      await Promise.all((await current!).copies.map((copy) => copy.drop()));
    });
  }
  return current.then(({ urls }) => urls);
}

/** The database of one subgraph (by default users', which holds every schema unless they are split). */
export async function fileDatabaseUrl(subgraph: SubgraphSchema = 'users'): Promise<string> {
  return (await fileDatabaseUrls())[subgraph];
}
