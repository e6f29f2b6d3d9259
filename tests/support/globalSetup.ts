import type { TestProject } from 'vitest/node';
import type {} from './database.ts';
import { databaseUrlOf } from '@switchboard/core';
import { SUBGRAPH_SCHEMAS, createTestDatabase, databaseName, type SubgraphSchema } from '@switchboard/db';

/**
 * Migrates template databases once per run; each test file then gets its own copies
 * (tests/support/database.ts), so files running in parallel never see each other's rows or
 * events. Each subgraph's schema lives where its DATABASE_URL_<SUBGRAPH> says (else DATABASE_URL):
 * one template per server named, holding the schemas of the subgraphs that live there.
 * Everything is dropped afterwards.
 */
export default async function setup(project: TestProject) {
  const env = {
    ...process.env,
    DATABASE_URL: process.env['DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/test',
  };
  const servers = new Map<string, SubgraphSchema[]>();
  for (const schema of SUBGRAPH_SCHEMAS) {
    const url = databaseUrlOf(schema, env);
    servers.set(url, [...(servers.get(url) ?? []), schema]);
  }
  const templates = await Promise.all(
    [...servers].map(async ([adminUrl, schemas]) => ({
      adminUrl,
      schemas,
      database: await createTestDatabase(adminUrl, {
        prismaDir: new URL('../../prisma', import.meta.url).pathname,
        schemas,
      }),
    })),
  );
  project.provide('adminDatabaseUrl', env.DATABASE_URL);
  project.provide(
    'templateDatabases',
    templates.map(({ adminUrl, schemas, database }) => ({
      adminUrl,
      schemas,
      template: databaseName(database.url),
    })),
  );
  return async () => {
    await Promise.all(templates.map(({ database }) => database.drop()));
  };
}
