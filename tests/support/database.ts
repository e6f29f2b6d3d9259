import { createTestDatabase, type TestDatabase } from '@switchboard/db';
import { afterAll, inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
    templateDatabase: string;
  }
}

let current: Promise<TestDatabase> | undefined;

/** This test file's own database (a copy of the run's migrated template), dropped after the file. */
export function fileDatabaseUrl(): Promise<string> {
  if (!current) {
    current = createTestDatabase(inject('adminDatabaseUrl'), { template: inject('templateDatabase') });
    afterAll(async () => {
      await (await current!).drop();
    });
  }
  return current.then((database) => database.url);
}
