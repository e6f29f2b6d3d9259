import { PrismaPg } from '@prisma/adapter-pg';

/** Prisma's driver adapter over node-postgres: Prisma 7 needs no native query engine with it. */
export function pgAdapter(databaseUrl: string, maxConnections = 10): PrismaPg {
  return new PrismaPg({ connectionString: databaseUrl, max: maxConnections });
}
