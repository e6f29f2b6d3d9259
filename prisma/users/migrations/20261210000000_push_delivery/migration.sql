-- One row per (MessageSent event, push subscription): claimed before the POST, marked sent after
-- the push service's 2xx (subgraphs/users/src/jobs/pushNotifications.ts).
CREATE TABLE "users"."PushDelivery" (
    "eventId" UUID NOT NULL,
    "subscriptionId" UUID NOT NULL,
    "claimId" UUID NOT NULL,
    "claimedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMPTZ(3),

    CONSTRAINT "PushDelivery_pkey" PRIMARY KEY ("eventId","subscriptionId")
);

-- CreateIndex
CREATE INDEX "PushDelivery_subscriptionId_idx" ON "users"."PushDelivery"("subscriptionId");

-- AddForeignKey
ALTER TABLE "users"."PushDelivery" ADD CONSTRAINT "PushDelivery_subscriptionId_fkey" FOREIGN KEY ("subscriptionId") REFERENCES "users"."PushSubscription"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Deliveries recorded the old way (ProcessedEvent, consumer "push:<subscription id>") count as sent.
INSERT INTO "users"."PushDelivery" ("eventId", "subscriptionId", "claimId", "claimedAt", "sentAt")
SELECT p."eventId", s."id", gen_random_uuid(), p."processedAt", p."processedAt"
FROM "users"."ProcessedEvent" p
JOIN "users"."PushSubscription" s ON p."consumer" = 'push:' || s."id"::text
ON CONFLICT DO NOTHING;
DELETE FROM "users"."ProcessedEvent" WHERE "consumer" LIKE 'push:%';
