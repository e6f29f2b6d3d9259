-- Calls ring every device of the callee (docs/devices-and-inbox.md): the device that answers wins,
-- and the other side's candidates go to it alone from then on.
ALTER TABLE "calls"."Call" ADD COLUMN "answeredByDevice" UUID;
-- Since when neither side of an ACTIVE call has a live connection (the calls-timeouts job's last
-- look found none); null while someone is connected. The job ends it as FAILED after a while.
ALTER TABLE "calls"."Call" ADD COLUMN "unattendedSince" TIMESTAMPTZ(3);
