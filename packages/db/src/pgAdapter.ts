import { PrismaPg } from '@prisma/adapter-pg';
import { connectionAs } from './roles.ts';

/** See `setDatabasePoolSize`. */
let poolSize = 10;

/**
 * The most connections each database pool of this process opens (DATABASE_POOL_SIZE, README
 * "Databases"): a subgraph has one pool (and its outbox relay 2 connections more), the worker one
 * per handler that reads or writes a database. Set once at start, by index.ts (or a test stack),
 * before any pool is made. Postgres' max_connections is shared by every process of every stack on
 * the server, so each pool's size is chosen, never left to a library's default.
 */
export function setDatabasePoolSize(size: number): void {
  if (!Number.isInteger(size) || size < 1) throw new Error(`a pool needs at least 1 connection, not ${size}`);
  poolSize = size;
}

/**
 * Prisma's driver adapter over node-postgres (Prisma 7 needs no native query engine with it),
 * acting as `subgraph`'s role (roles.ts). Without `subgraph` it keeps the URL's login: tests and
 * tools that look across schemas.
 */
export function pgAdapter(
  databaseUrl: string,
  options: { subgraph?: string; maxConnections?: number } | number = {},
): PrismaPg {
  const { subgraph, maxConnections = poolSize } =
    typeof options === 'number' ? { maxConnections: options } : options;
  const connection = subgraph ? connectionAs(databaseUrl, subgraph) : { connectionString: databaseUrl };
  return new PrismaPg({ ...connection, max: maxConnections });
}
