-- chats' projection of users' active devices (docs/devices-and-inbox.md): users applies it over
-- gRPC (ChatsService.ApplyDevice) before signUp, signIn or revokeDevice answers, so a write in
-- chats reaches exactly the devices active at that moment. A revoked device's row is deleted.
CREATE TABLE "chats"."DeviceProjection" (
    "deviceId" UUID NOT NULL,
    "userId" UUID NOT NULL,

    CONSTRAINT "DeviceProjection_pkey" PRIMARY KEY ("deviceId")
);

CREATE INDEX "DeviceProjection_userId_idx" ON "chats"."DeviceProjection"("userId");
