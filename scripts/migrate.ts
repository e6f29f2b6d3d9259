// `npm run db:migrate`: applies every subgraph's Prisma migrations to its database: its
// DATABASE_URL_<SUBGRAPH> where set, else DATABASE_URL.
import { databaseUrlOf } from '@switchboard/core';
import { SUBGRAPH_SCHEMAS, migrateAll } from '@switchboard/db';

const databaseUrl = process.env['DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/test';
const env = { ...process.env, DATABASE_URL: databaseUrl };
try {
  await migrateAll(
    Object.fromEntries(SUBGRAPH_SCHEMAS.map((name) => [name, databaseUrlOf(name, env)])),
    'prisma',
    (message) => console.log(message),
  );
  console.log('Database is up to date');
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
