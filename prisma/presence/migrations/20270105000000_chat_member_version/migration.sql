-- Each chat's memberVersion as the membership events applied so far say (issue 18): typing events
-- carry it as `accessVersion` and `_typingAccess` answers it, so a gateway whose subscriber's
-- revocation was lost asks again once a newer version shows (docs/live-subscriptions.md).
CREATE TABLE "presence"."ChatVersion" (
  "chatId" UUID NOT NULL,
  "memberVersion" INTEGER NOT NULL,
  CONSTRAINT "ChatVersion_pkey" PRIMARY KEY ("chatId")
);
