-- MessageSent events no longer carry the message's text (packages/core/src/events.ts): remove it
-- from those already in the outbox, so a deleted message's text is nowhere in the database.
UPDATE "chats"."OutboxEvent" SET "payload" = "payload" - 'body'
WHERE "type" = 'MessageSent' AND "payload" ? 'body';
