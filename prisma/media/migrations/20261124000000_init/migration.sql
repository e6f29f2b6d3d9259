-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "media";

-- CreateEnum
CREATE TYPE "media"."MediaKind" AS ENUM ('IMAGE', 'VIDEO', 'AUDIO', 'FILE');

-- CreateEnum
CREATE TYPE "media"."MediaStatus" AS ENUM ('PENDING_UPLOAD', 'PROCESSING', 'READY', 'FAILED');

-- CreateTable
CREATE TABLE "media"."Media" (
    "id" UUID NOT NULL,
    "ownerId" UUID NOT NULL,
    "kind" "media"."MediaKind" NOT NULL,
    "status" "media"."MediaStatus" NOT NULL DEFAULT 'PENDING_UPLOAD',
    "fileName" TEXT NOT NULL,
    "mimeType" TEXT NOT NULL,
    "byteSize" INTEGER NOT NULL,
    "width" INTEGER,
    "height" INTEGER,
    "storageKey" TEXT,
    "thumbnailKey" TEXT,
    "failure" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Media_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "media"."MediaGrant" (
    "mediaId" UUID NOT NULL,
    "chatId" UUID NOT NULL,

    CONSTRAINT "MediaGrant_pkey" PRIMARY KEY ("mediaId","chatId")
);

-- CreateTable
CREATE TABLE "media"."AvatarGrant" (
    "userId" UUID NOT NULL,
    "mediaId" UUID NOT NULL,

    CONSTRAINT "AvatarGrant_pkey" PRIMARY KEY ("userId")
);

-- CreateTable
CREATE TABLE "media"."ChatMembership" (
    "chatId" UUID NOT NULL,
    "userId" UUID NOT NULL,

    CONSTRAINT "ChatMembership_pkey" PRIMARY KEY ("chatId","userId")
);

-- CreateTable
CREATE TABLE "media"."ProjectionVersion" (
    "key" TEXT NOT NULL,
    "version" BIGINT NOT NULL,

    CONSTRAINT "ProjectionVersion_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "media"."OutboxEvent" (
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
CREATE TABLE "media"."ProcessedEvent" (
    "consumer" TEXT NOT NULL,
    "eventId" UUID NOT NULL,
    "processedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProcessedEvent_pkey" PRIMARY KEY ("consumer","eventId")
);

-- CreateIndex
CREATE INDEX "Media_ownerId_idx" ON "media"."Media"("ownerId");

-- CreateIndex
CREATE INDEX "MediaGrant_chatId_idx" ON "media"."MediaGrant"("chatId");

-- CreateIndex
CREATE INDEX "AvatarGrant_mediaId_idx" ON "media"."AvatarGrant"("mediaId");

-- CreateIndex
CREATE INDEX "ChatMembership_userId_idx" ON "media"."ChatMembership"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "OutboxEvent_eventId_key" ON "media"."OutboxEvent"("eventId");

-- CreateIndex
CREATE INDEX "OutboxEvent_publishedAt_id_idx" ON "media"."OutboxEvent"("publishedAt", "id");

