-- Wake the outbox relay as soon as an event commits (NOTIFY is delivered at commit time);
-- the relay still polls, so a missed notification only delays an event.
CREATE OR REPLACE FUNCTION "presence"."notify_outbox"() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('outbox_presence', '');
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "OutboxEvent_notify"
AFTER INSERT ON "presence"."OutboxEvent"
FOR EACH STATEMENT EXECUTE FUNCTION "presence"."notify_outbox"();
