import { RetryLaterError, type EventHandler, type ReceivedEvent } from '@switchboard/messaging';
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
  /** Seconds a push service keeps an undelivered message notification (a call's: while it rings). */
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
export interface MessagePushPayload {
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

/**
 * What the service worker receives for an incoming call: who calls, never the SDP (no event
 * carries it); the app opens, signs in and answers through the API.
 */
export interface CallPushPayload {
  type: 'call';
  callId: string;
  chatId: string;
  video: boolean;
  caller: { id: string; displayName: string };
  /** "Incoming video call from <display name>" (or voice call). */
  text: string;
  /** The call id: a repeat replaces the notification. */
  tag: string;
  /** When the call stops ringing (it is missed then): the notification is stale after it. */
  ringsUntil: string;
}

export type PushPayload = MessagePushPayload | CallPushPayload;

/** One notification to send: to whom, what, and how the push service should treat it. */
interface Notification {
  recipientIds: readonly string[];
  /** Whose display name the notification shows. */
  fromId: string;
  payload(displayName: string): PushPayload;
  /** Same topic for a repeated notification: the push service replaces, not duplicates. */
  topic: string;
  ttlSeconds: number;
}

/** What an event announces, or null when it announces nothing (a call that stopped ringing). */
function notificationOf(event: ReceivedEvent, messageTtlSeconds: number): Notification | null {
  switch (event.type) {
    case 'MessageSent': {
      const message = event.payload;
      return {
        recipientIds: message.recipientIds,
        fromId: message.senderId,
        payload: (displayName) => ({
          type: 'message',
          chatId: message.chatId,
          chatTitle: message.chatTitle,
          messageId: message.messageId,
          seq: message.seq,
          sender: { id: message.senderId, displayName },
          text: `New message from ${displayName}`,
          tag: message.messageId,
        }),
        topic: message.messageId.replaceAll('-', ''),
        ttlSeconds: messageTtlSeconds,
      };
    }
    case 'CallStarted': {
      const call = event.payload;
      // A call is worth ringing only while it rings: the push service drops it after that.
      const ttlSeconds = Math.floor((Date.parse(call.ringsUntil) - Date.now()) / 1000);
      if (ttlSeconds < 1) return null;
      return {
        recipientIds: [call.calleeId],
        fromId: call.callerId,
        payload: (displayName) => ({
          type: 'call',
          callId: call.callId,
          chatId: call.chatId,
          video: call.video,
          caller: { id: call.callerId, displayName },
          text: `Incoming ${call.video ? 'video' : 'voice'} call from ${displayName}`,
          tag: call.callId,
          ringsUntil: call.ringsUntil,
        }),
        topic: call.callId.replaceAll('-', ''),
        ttlSeconds,
      };
    }
    default:
      return null;
  }
}

export const DEFAULT_PUSH_CLAIM_LEASE_MS = 30_000;

/**
 * Web Push (RFC 8030, payload encrypted per RFC 8291, VAPID per RFC 8292) to each push
 * subscription of each recipient with no live connection: of a new message, and of an incoming
 * call (one push per call: its one CallStarted). What it promises (README, "Push
 * notifications"): each notification reaches each subscription's push service at least once, and
 * is shown once. An attempt claims each push before sending (pushDeliveries.ts), so a stalled job
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
    const notification = notificationOf(event, options.ttlSeconds ?? 24 * 3600);
    if (!notification) return;
    // users' own table first: presence is asked only about recipients a push could reach (a
    // recipient with no push subscription, a web user, costs no call).
    const reachable = await options.db.pushSubscription.findMany({
      where: { userId: { in: [...notification.recipientIds] } },
      orderBy: { createdAt: 'asc' },
    });
    if (reachable.length === 0) return;
    const online = await options.onlineAmong([...new Set(reachable.map((s) => s.userId))]);
    const subscriptions = reachable.filter((subscription) => !online.has(subscription.userId));
    if (subscriptions.length === 0) return;

    const from = await options.db.user.findUnique({
      where: { id: notification.fromId },
      select: { displayName: true },
    });
    // users' own table: the sender's or caller's name is all a notification tells.
    const body = JSON.stringify(notification.payload(from?.displayName ?? 'Someone'));

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
          TTL: notification.ttlSeconds,
          contentEncoding: 'aes128gcm',
          topic: notification.topic,
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
      throw new RetryLaterError('another attempt holds a push of this event', Math.min(heldFor + 50, 1000));
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
