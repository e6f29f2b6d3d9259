-- Push per device (issue 18, docs/devices-and-inbox.md "Push"): what a device is owed is read from
-- the inbox, not from a queue, so a push survives any worker or Redis loss. A device is owed a push
-- when it has a message from someone else after both what it acknowledged (ackedPos) and what was
-- pushed (pushedPos). The worker claims a push by moving pushedPos to the head (pushClaimedAt = the
-- claim's time), and confirms it once the push service took it (pushClaimedAt back to NULL); a claim
-- left unconfirmed past its lease is owed again.
ALTER TABLE "chats"."InboxHead"
  ADD COLUMN "pushedPos" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "pushClaimedAt" TIMESTAMPTZ(3);

-- What was written before this was pushed (or not) by the old path: nothing is owed from it.
UPDATE "chats"."InboxHead" SET "pushedPos" = "pos";

-- The heads that may be owed (the sweep reads only these): entries after both marks, or a claim.
CREATE INDEX "InboxHead_owedPush_idx" ON "chats"."InboxHead" ("deviceId")
  WHERE "pos" > GREATEST("ackedPos", "pushedPos") OR "pushClaimedAt" IS NOT NULL;
