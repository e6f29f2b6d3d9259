import webPush from 'web-push';
import type { PrismaClient, PushSubscription } from '../generated/prisma/client.ts';
import { pushTargetRefusal, type PushSender, type PushTargetOptions } from '../pushTargets.ts';

export interface VapidConfig {
  subject: string;
  publicKey: string;
  privateKey: string;
}

/** How a push service should treat one notification. */
export interface WebPushNotification {
  /** The JSON the service worker receives (encrypted). */
  body: string;
  /** Same topic for a repeated notification: the push service replaces, not duplicates. */
  topic: string;
  ttlSeconds: number;
}

/**
 * What became of one push: `sent` (2xx), `gone` (404/410: the subscription is deleted), `refused`
 * (not a public target: never contacted, kept), `rejected` (another status: surely not delivered),
 * `unknown` (a timeout or broken connection: it may have reached the push service).
 */
export type WebPushOutcome = 'sent' | 'gone' | 'refused' | 'rejected' | 'unknown';

export interface WebPushContext {
  db: PrismaClient;
  sender: PushSender;
  vapid: VapidConfig;
  targets?: PushTargetOptions;
  log: (message: string, error?: unknown) => void;
}

/**
 * One Web Push (RFC 8030, payload encrypted per RFC 8291, VAPID per RFC 8292) to one subscription.
 * The target is checked again at send time (DNS can change since registration); a refused one is
 * never contacted, so nothing about it can leak back.
 */
export async function sendWebPush(
  ctx: WebPushContext,
  subscription: PushSubscription,
  notification: WebPushNotification,
): Promise<WebPushOutcome> {
  const refusal = await pushTargetRefusal(subscription.endpoint, ctx.targets);
  if (refusal !== null) {
    ctx.log(`push to subscription ${subscription.id} refused: ${refusal}`);
    return 'refused';
  }
  // web-push builds the RFC 8291 payload and the VAPID header; the sender POSTs it through an
  // agent that refuses a non-public address on connect, and gives us the status (404/410: gone).
  const request = webPush.generateRequestDetails(
    { endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } },
    notification.body,
    {
      vapidDetails: ctx.vapid,
      TTL: notification.ttlSeconds,
      contentEncoding: 'aes128gcm',
      topic: notification.topic,
      urgency: 'high',
    },
  );
  let status: number;
  try {
    status = await ctx.sender.send(request);
  } catch (error) {
    ctx.log(`push to subscription ${subscription.id} failed`, error);
    return 'unknown';
  }
  if (status === 404 || status === 410) {
    await ctx.db.pushSubscription.deleteMany({ where: { id: subscription.id } });
    return 'gone';
  }
  if (status < 200 || status > 299) {
    ctx.log(`push to subscription ${subscription.id}: the push service answered ${status}`);
    return 'rejected';
  }
  return 'sent';
}
