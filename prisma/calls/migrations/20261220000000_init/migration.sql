-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "calls";

-- CreateEnum
CREATE TYPE "calls"."CallState" AS ENUM ('RINGING', 'ACTIVE', 'ENDED');

-- CreateEnum
CREATE TYPE "calls"."CallEndReason" AS ENUM ('HANGUP', 'DECLINED', 'CANCELLED', 'MISSED', 'BUSY', 'FAILED');

-- CreateTable
CREATE TABLE "calls"."Call" (
    "id" UUID NOT NULL,
    "chatId" UUID NOT NULL,
    "callerId" UUID NOT NULL,
    "calleeId" UUID NOT NULL,
    "video" BOOLEAN NOT NULL,
    "state" "calls"."CallState" NOT NULL,
    "endReason" "calls"."CallEndReason",
    "startedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ringsUntil" TIMESTAMPTZ(3) NOT NULL,
    "answeredAt" TIMESTAMPTZ(3),
    "endedAt" TIMESTAMPTZ(3),

    CONSTRAINT "Call_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "calls"."CallLine" (
    "userId" UUID NOT NULL,
    "callId" UUID NOT NULL,

    CONSTRAINT "CallLine_pkey" PRIMARY KEY ("userId")
);

-- CreateTable
CREATE TABLE "calls"."DirectChat" (
    "chatId" UUID NOT NULL,
    "userA" UUID NOT NULL,
    "userB" UUID NOT NULL,

    CONSTRAINT "DirectChat_pkey" PRIMARY KEY ("chatId")
);

-- CreateTable
CREATE TABLE "calls"."BlockProjection" (
    "blockerId" UUID NOT NULL,
    "blockedId" UUID NOT NULL,

    CONSTRAINT "BlockProjection_pkey" PRIMARY KEY ("blockerId","blockedId")
);

-- CreateTable
CREATE TABLE "calls"."ProjectionVersion" (
    "key" TEXT NOT NULL,
    "version" BIGINT NOT NULL,

    CONSTRAINT "ProjectionVersion_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "calls"."OutboxEvent" (
    "id" BIGSERIAL NOT NULL,
    "eventId" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "payload" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "publishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "OutboxEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Call_callerId_startedAt_id_idx" ON "calls"."Call"("callerId", "startedAt", "id");

-- CreateIndex
CREATE INDEX "Call_calleeId_startedAt_id_idx" ON "calls"."Call"("calleeId", "startedAt", "id");

-- CreateIndex
CREATE INDEX "CallLine_callId_idx" ON "calls"."CallLine"("callId");

-- CreateIndex
CREATE INDEX "DirectChat_userA_idx" ON "calls"."DirectChat"("userA");

-- CreateIndex
CREATE INDEX "DirectChat_userB_idx" ON "calls"."DirectChat"("userB");

-- CreateIndex
CREATE INDEX "BlockProjection_blockedId_idx" ON "calls"."BlockProjection"("blockedId");

-- CreateIndex
CREATE UNIQUE INDEX "OutboxEvent_eventId_key" ON "calls"."OutboxEvent"("eventId");

-- CreateIndex
CREATE INDEX "OutboxEvent_publishedAt_id_idx" ON "calls"."OutboxEvent"("publishedAt", "id");

-- Wake the outbox relay as soon as an event commits (NOTIFY is delivered at commit time);
-- the relay still polls, so a missed notification only delays an event.
CREATE OR REPLACE FUNCTION "calls"."notify_outbox"() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('outbox_calls', '');
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "OutboxEvent_notify"
AFTER INSERT ON "calls"."OutboxEvent"
FOR EACH STATEMENT EXECUTE FUNCTION "calls"."notify_outbox"();
