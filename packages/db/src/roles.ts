import type pg from 'pg';

/**
 * Each subgraph's Postgres role (architecture.md, principle 1): created by the subgraph's own migration,
 * with rights on its own schema only. Everything that reads or writes a subgraph's data (its server,
 * its outbox relay, its handlers in the worker, rebuilds) connects as that role, whatever login the
 * URL names: the login must be the role or a member of it (a superuser is, in development).
 */
export const subgraphRole = (subgraph: string): string => `switchboard_${subgraph}`;

/** node-postgres settings that connect to `databaseUrl` and act as `subgraph`'s role from the start. */
export function connectionAs(databaseUrl: string, subgraph: string): pg.ClientConfig {
  // A startup parameter, not a SET after connecting: no query ever runs with the login's rights.
  return { connectionString: databaseUrl, options: `-c role=${subgraphRole(subgraph)}` };
}
