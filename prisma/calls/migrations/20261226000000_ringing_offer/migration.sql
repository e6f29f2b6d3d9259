-- The caller's SDP offer, kept only while the call rings: a callee who subscribes late (their app
-- woken by the push) is owed INCOMING with it (`_ringingCalls`, `@live(initial:)`). Cleared in the
-- transaction that answers or ends the call, so nothing of it is kept once the call is set up.
ALTER TABLE "calls"."Call" ADD COLUMN "sdpOffer" TEXT;
