import { PrismaPg } from '@prisma/adapter-pg';
import { connectionAs } from './roles.ts';

/**
 * Prisma's driver adapter over node-postgres (Prisma 7 needs no native query engine with it),
 * acting as `subgraph`'s role (roles.ts). Without `subgraph` it keeps the URL's login: tests and
 * tools that look across schemas.
 */
export function pgAdapter(
  databaseUrl: string,
  options: { subgraph?: string; maxConnections?: number } | number = {},
): PrismaPg {
  const { subgraph, maxConnections = 10 } =
    typeof options === 'number' ? { maxConnections: options } : options;
  const connection = subgraph ? connectionAs(databaseUrl, subgraph) : { connectionString: databaseUrl };
  return new PrismaPg({ ...connection, max: maxConnections });
}
