-- The presence subgraph's own role (design.md, principle 1): rights on the "presence" schema and nothing
-- else. The subgraph, its outbox relay and its handlers in the worker connect as it
-- (packages/db/src/roles.ts), so no code of presence can read another subgraph's tables.
-- Roles belong to the server, not to one database: it may exist already (another database on the
-- same server, or created by an operator beforehand, who then needs no CREATEROLE to migrate).
-- NOLOGIN: a login role is granted it (GRANT switchboard_presence TO <login>), or an operator makes it
-- one (ALTER ROLE switchboard_presence LOGIN PASSWORD '...').
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'switchboard_presence') THEN
    CREATE ROLE "switchboard_presence" NOLOGIN;
  END IF;
EXCEPTION
  -- Another database's migration created it at the same moment.
  WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;

GRANT USAGE ON SCHEMA "presence" TO "switchboard_presence";
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA "presence" TO "switchboard_presence";
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA "presence" TO "switchboard_presence";
-- Tables and sequences later migrations create (run by the same migrating login) get the same.
ALTER DEFAULT PRIVILEGES IN SCHEMA "presence"
  GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLES TO "switchboard_presence";
ALTER DEFAULT PRIVILEGES IN SCHEMA "presence" GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO "switchboard_presence";
