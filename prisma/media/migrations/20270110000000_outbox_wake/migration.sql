-- The relay is woken in process after a mutation, and polls for rows other processes wrote
-- (packages/messaging/src/outboxRelay.ts): no more NOTIFY. Postgres takes one lock, for the whole
-- server, on every commit that issued a NOTIFY and holds it through the commit's WAL flush, so
-- every outbox insert (each sendMessage) queued there (bench/README.md).
DROP TRIGGER IF EXISTS "OutboxEvent_notify" ON "media"."OutboxEvent";
DROP FUNCTION IF EXISTS "media"."notify_outbox"();
