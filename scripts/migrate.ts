// `npm run db:migrate`: applies every subgraph's Prisma migrations to DATABASE_URL.
import { migrateAll } from '@switchboard/db';

const databaseUrl = process.env['DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/test';
try {
  await migrateAll(databaseUrl, 'prisma', (message) => console.log(message));
  console.log('Database is up to date');
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
