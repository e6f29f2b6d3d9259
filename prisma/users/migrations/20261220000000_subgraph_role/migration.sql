-- The users subgraph's own role (design.md, principle 1): rights on the "users" schema and nothing
-- else. The subgraph, its outbox relay and its handlers in the worker connect as it
-- (packages/db/src/roles.ts), so no code of users can read another subgraph's tables.
-- Roles belong to the server, not to one database: it may exist already (another database on the
-- same server, or created by an operator beforehand, who then needs no CREATEROLE to migrate).
-- NOLOGIN: a login role is granted it (GRANT switchboard_users TO <login>), or an operator makes it
-- one (ALTER ROLE switchboard_users LOGIN PASSWORD '...').
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'switchboard_users') THEN
    CREATE ROLE "switchboard_users" NOLOGIN;
  END IF;
EXCEPTION
  -- Another database's migration created it at the same moment.
  WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;

GRANT USAGE ON SCHEMA "users" TO "switchboard_users";
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA "users" TO "switchboard_users";
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA "users" TO "switchboard_users";
-- Tables and sequences later migrations create (run by the same migrating login) get the same.
ALTER DEFAULT PRIVILEGES IN SCHEMA "users"
  GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLES TO "switchboard_users";
ALTER DEFAULT PRIVILEGES IN SCHEMA "users" GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO "switchboard_users";
