export * from './migrate.ts';
export * from './migrationStatus.ts';
export * from './pgAdapter.ts';
export * from './roles.ts';
export * from './testDatabase.ts';
