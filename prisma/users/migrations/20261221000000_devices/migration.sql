-- Devices (docs/devices-and-inbox.md): every user token speaks for one device, created by signUp or
-- signIn. A revoked device keeps its row (revokedAt) so its tokens stay refused.
CREATE TABLE "users"."Device" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastActiveAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMPTZ(3),

    CONSTRAINT "Device_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "Device_userId_idx" ON "users"."Device"("userId");

ALTER TABLE "users"."Device" ADD CONSTRAINT "Device_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"."User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Push targets and one-time prekeys belong to the device that registered or published them, and go
-- with it when it is revoked. Rows from before devices have none and stay valid for now.
ALTER TABLE "users"."PushSubscription" ADD COLUMN "deviceId" UUID;
ALTER TABLE "users"."OneTimePreKey" ADD COLUMN "deviceId" UUID;

CREATE INDEX "PushSubscription_deviceId_idx" ON "users"."PushSubscription"("deviceId");
CREATE INDEX "OneTimePreKey_deviceId_idx" ON "users"."OneTimePreKey"("deviceId");

ALTER TABLE "users"."PushSubscription" ADD CONSTRAINT "PushSubscription_deviceId_fkey" FOREIGN KEY ("deviceId") REFERENCES "users"."Device"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "users"."OneTimePreKey" ADD CONSTRAINT "OneTimePreKey_deviceId_fkey" FOREIGN KEY ("deviceId") REFERENCES "users"."Device"("id") ON DELETE CASCADE ON UPDATE CASCADE;
