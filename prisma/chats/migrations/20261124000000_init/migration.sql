-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "chats";

-- CreateEnum
CREATE TYPE "chats"."ChatKind" AS ENUM ('DIRECT', 'GROUP');

-- CreateEnum
CREATE TYPE "chats"."ChatRole" AS ENUM ('OWNER', 'ADMIN', 'MEMBER');

-- CreateTable
CREATE TABLE "chats"."Chat" (
    "id" UUID NOT NULL,
    "kind" "chats"."ChatKind" NOT NULL,
    "title" TEXT,
    "directKey" TEXT,
    "lastSeq" INTEGER NOT NULL DEFAULT 0,
    "lastMessageAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Chat_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "chats"."ChatMember" (
    "chatId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "role" "chats"."ChatRole" NOT NULL DEFAULT 'MEMBER',
    "deliveredSeq" INTEGER NOT NULL DEFAULT 0,
    "readSeq" INTEGER NOT NULL DEFAULT 0,
    "joinedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ChatMember_pkey" PRIMARY KEY ("chatId","userId")
);

-- CreateTable
CREATE TABLE "chats"."Message" (
    "id" UUID NOT NULL,
    "chatId" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "senderId" UUID NOT NULL,
    "clientId" TEXT NOT NULL,
    "body" TEXT,
    "encrypted" BOOLEAN NOT NULL DEFAULT false,
    "replyToId" UUID,
    "attachmentIds" UUID[],
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "editedAt" TIMESTAMPTZ(3),
    "deletedAt" TIMESTAMPTZ(3),

    CONSTRAINT "Message_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "chats"."Reaction" (
    "messageId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "emoji" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Reaction_pkey" PRIMARY KEY ("messageId","userId")
);

-- CreateTable
CREATE TABLE "chats"."BlockProjection" (
    "blockerId" UUID NOT NULL,
    "blockedId" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BlockProjection_pkey" PRIMARY KEY ("blockerId","blockedId")
);

-- CreateTable
CREATE TABLE "chats"."AttachableMedia" (
    "mediaId" UUID NOT NULL,
    "ownerId" UUID NOT NULL,

    CONSTRAINT "AttachableMedia_pkey" PRIMARY KEY ("mediaId")
);

-- CreateTable
CREATE TABLE "chats"."ProjectionVersion" (
    "key" TEXT NOT NULL,
    "version" BIGINT NOT NULL,

    CONSTRAINT "ProjectionVersion_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "chats"."OutboxEvent" (
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
CREATE TABLE "chats"."ProcessedEvent" (
    "consumer" TEXT NOT NULL,
    "eventId" UUID NOT NULL,
    "processedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProcessedEvent_pkey" PRIMARY KEY ("consumer","eventId")
);

-- CreateIndex
CREATE UNIQUE INDEX "Chat_directKey_key" ON "chats"."Chat"("directKey");

-- CreateIndex
CREATE INDEX "ChatMember_userId_idx" ON "chats"."ChatMember"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "Message_chatId_seq_key" ON "chats"."Message"("chatId", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "Message_senderId_clientId_key" ON "chats"."Message"("senderId", "clientId");

-- CreateIndex
CREATE UNIQUE INDEX "OutboxEvent_eventId_key" ON "chats"."OutboxEvent"("eventId");

-- CreateIndex
CREATE INDEX "OutboxEvent_publishedAt_id_idx" ON "chats"."OutboxEvent"("publishedAt", "id");

-- AddForeignKey
ALTER TABLE "chats"."ChatMember" ADD CONSTRAINT "ChatMember_chatId_fkey" FOREIGN KEY ("chatId") REFERENCES "chats"."Chat"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "chats"."Message" ADD CONSTRAINT "Message_chatId_fkey" FOREIGN KEY ("chatId") REFERENCES "chats"."Chat"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "chats"."Message" ADD CONSTRAINT "Message_replyToId_fkey" FOREIGN KEY ("replyToId") REFERENCES "chats"."Message"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "chats"."Reaction" ADD CONSTRAINT "Reaction_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "chats"."Message"("id") ON DELETE CASCADE ON UPDATE CASCADE;

