-- The outbox sequence of the UserBlocked event that recorded the block: chats' projection is
-- versioned by it, so blockUser can tell chats again (a retry) with the version the event carries.
ALTER TABLE "users"."Block" ADD COLUMN "version" BIGINT NOT NULL DEFAULT 0;
