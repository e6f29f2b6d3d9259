import { RetryLaterError, type EventHandler } from '@switchboard/messaging';
import webPush from 'web-push';
import { pgAdapter } from '@switchboard/db';
import { defaultLog } from '@switchboard/observability';
import { PrismaClient } from '../generated/prisma/client.ts';
import { claimPush, markPushSent, releasePush } from './pushDeliveries.ts';
import {
  createPushSender,
  pushTargetRefusal,
  type PushSender,
  type PushTargetOptions,
} from '../pushTargets.ts';

export interface VapidConfig {
  subject: string;
  publicKey: string;
  privateKey: string;
}

export interface PushNotificationsOptions {
  db: PrismaClient;
  vapid: VapidConfig;
  /** Which of these users hold a live connection now: presence answers (presenceOnline.ts). */
  onlineAmong(userIds: readonly string[]): Promise<Set<string>>;
  /** Seconds a push service keeps an undelivered notification. */
  ttlSeconds?: number;
  /** Which targets may be sent to: public push services, plus allowed hosts (pushTargets.ts). */
  targets?: PushTargetOptions;
  /**
   * How long a claim on a push holds before another attempt may take it over (default 30 s).
   * Each POST times out after a third of it, so a live holder is done well before.
   */
  claimLeaseMs?: number;
  log?: (message: string, error?: unknown) => void;
}

/**
 * What the service worker receives (decrypted) for a new message. Never the message's text: the
 * event it comes from does not carry it (the app fetches the message when opened).
 */
export interface PushPayload {
  type: 'message';
  chatId: string;
  chatTitle: string | null;
  messageId: string;
  seq: number;
  sender: { id: string; displayName: string };
  /** What the notification says: "New message from <sender's display name>". */
  text: string;
  /** The message id: the service worker shows the notification with this tag, so a repeat replaces it. */
  tag: string;
}

export const DEFAULT_PUSH_CLAIM_LEASE_MS = 30_000;

/**
 * Web Push (RFC 8030, payload encrypted per RFC 8291, VAPID per RFC 8292) to each push
 * subscription of each recipient with no live connection. What it promises (README, "Push
 * notifications"): each message reaches each subscription's push service at least once, and is
 * shown once. An attempt claims each push before sending (pushDeliveries.ts), so a stalled job
 * beside its original never sends at the same time; it skips one already sent; and it takes over
 * an unconfirmed claim only after its lease, which can send again what a worker that died after
 * the push service's 2xx had sent. That repeat carries the same `Topic` (the push service
 * replaces a notification it still holds) and the same `tag` (the device replaces the one it
 * shows). Subscriptions the service reports gone (404/410) are deleted.
 */
export function pushNotifications(options: PushNotificationsOptions, pushSender: PushSender): EventHandler {
  const log = options.log ?? defaultLog({ component: 'push' });
  const leaseMs = options.claimLeaseMs ?? DEFAULT_PUSH_CLAIM_LEASE_MS;
  return async (event) => {
    if (event.type !== 'MessageSent') return;
    const message = event.payload;
    const online = await options.onlineAmong(message.recipientIds);
    const offline = message.recipientIds.filter((id) => !online.has(id));
    if (offline.length === 0) return;

    const [sender, subscriptions] = await Promise.all([
      options.db.user.findUnique({
        where: { id: message.senderId },
        select: { id: true, displayName: true },
      }),
      options.db.pushSubscription.findMany({
        where: { userId: { in: offline } },
        orderBy: { createdAt: 'asc' },
      }),
    ]);
    // users' own table: the sender's name is all a notification tells about the message.
    const displayName = sender?.displayName ?? 'Someone';
    const payload: PushPayload = {
      type: 'message',
      chatId: message.chatId,
      chatTitle: message.chatTitle,
      messageId: message.messageId,
      seq: message.seq,
      sender: { id: message.senderId, displayName },
      text: `New message from ${displayName}`,
      tag: message.messageId,
    };
    const body = JSON.stringify(payload);

    let failure: unknown;
    let heldFor: number | undefined;
    // One at a time: each push is claimed, sent and recorded before the next.
    for (const subscription of subscriptions) {
      // Checked again at send time (DNS can change since registration). A refused target is never
      // contacted, so nothing about it can leak back: it is kept, and skipped while refused.
      const refusal = await pushTargetRefusal(subscription.endpoint, options.targets);
      if (refusal !== null) {
        log(`push to subscription ${subscription.id} refused: ${refusal}`);
        continue;
      }
      const claim = await claimPush(options.db, event.eventId, subscription.id, leaseMs);
      if (claim.state === 'sent') continue;
      if (claim.state === 'held') {
        heldFor = Math.min(heldFor ?? Infinity, claim.expiresInMs);
        continue;
      }
      // web-push builds the RFC 8291 payload and the VAPID header; the sender POSTs it through an
      // agent that refuses a non-public address on connect, and gives us the status (404/410: gone).
      const request = webPush.generateRequestDetails(
        { endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } },
        body,
        {
          vapidDetails: options.vapid,
          TTL: options.ttlSeconds ?? 24 * 3600,
          contentEncoding: 'aes128gcm',
          // Same topic for a repeated notification: the push service replaces, not duplicates.
          topic: message.messageId.replaceAll('-', ''),
          urgency: 'high',
        },
      );
      try {
        const status = await pushSender.send(request);
        if (status === 404 || status === 410) {
          await options.db.pushSubscription.deleteMany({ where: { id: subscription.id } });
          continue;
        }
        if (status < 200 || status > 299) {
          // Refused for sure: the job's next attempt may send it at once.
          await releasePush(options.db, event.eventId, subscription.id, claim.claimId);
          throw new Error(`push service answered ${status}`);
        }
        await markPushSent(options.db, event.eventId, subscription.id);
      } catch (error) {
        // A timeout or a broken connection may have reached the push service: the claim stays,
        // and only its lease's end lets an attempt send again.
        log(`push to subscription ${subscription.id} failed`, error);
        failure = error;
      }
    }
    // The job retries (with backoff) only for the subscriptions that were not reached.
    if (failure) throw failure;
    // Another attempt is sending some: look again each second until it is sent or its claim expires.
    if (heldFor !== undefined)
      throw new RetryLaterError('another attempt holds a push of this message', Math.min(heldFor + 50, 1000));
  };
}

export { presenceOnline } from './presenceOnline.ts';

/** For the worker: the push handler with its own connection to the users schema, as users' role. */
export function openPushNotifications(databaseUrl: string, options: Omit<PushNotificationsOptions, 'db'>) {
  const db = new PrismaClient({ adapter: pgAdapter(databaseUrl, { subgraph: 'users', maxConnections: 4 }) });
  const sender = createPushSender({
    ...options.targets,
    timeoutMs: (options.claimLeaseMs ?? DEFAULT_PUSH_CLAIM_LEASE_MS) / 3,
  });
  return {
    handle: pushNotifications({ ...options, db }, sender),
    close: async () => {
      sender.close();
      await db.$disconnect();
    },
  };
}
