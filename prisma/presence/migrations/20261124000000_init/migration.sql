-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "presence";

-- CreateTable
CREATE TABLE "presence"."LastSeen" (
    "userId" UUID NOT NULL,
    "lastSeenAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "LastSeen_pkey" PRIMARY KEY ("userId")
);

-- CreateTable
CREATE TABLE "presence"."ChatMembership" (
    "chatId" UUID NOT NULL,
    "userId" UUID NOT NULL,

    CONSTRAINT "ChatMembership_pkey" PRIMARY KEY ("chatId","userId")
);

-- CreateTable
CREATE TABLE "presence"."HiddenLastSeen" (
    "userId" UUID NOT NULL,

    CONSTRAINT "HiddenLastSeen_pkey" PRIMARY KEY ("userId")
);

-- CreateTable
CREATE TABLE "presence"."ProjectionVersion" (
    "key" TEXT NOT NULL,
    "version" BIGINT NOT NULL,

    CONSTRAINT "ProjectionVersion_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "presence"."OutboxEvent" (
    "id" BIGSERIAL NOT NULL,
    "eventId" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "payload" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "publishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "OutboxEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "presence"."ProcessedEvent" (
    "consumer" TEXT NOT NULL,
    "eventId" UUID NOT NULL,
    "processedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProcessedEvent_pkey" PRIMARY KEY ("consumer","eventId")
);

-- CreateIndex
CREATE INDEX "ChatMembership_userId_idx" ON "presence"."ChatMembership"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "OutboxEvent_eventId_key" ON "presence"."OutboxEvent"("eventId");

-- CreateIndex
CREATE INDEX "OutboxEvent_publishedAt_id_idx" ON "presence"."OutboxEvent"("publishedAt", "id");

