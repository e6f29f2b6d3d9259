import { firstDelivery, type EventHandler } from '@switchboard/messaging';
import webPush from 'web-push';
import { pgAdapter } from '@switchboard/db';
import { defaultLog } from '@switchboard/observability';
import { PrismaClient } from '../generated/prisma/client.ts';

export interface VapidConfig {
  subject: string;
  publicKey: string;
  privateKey: string;
}

export interface PushNotificationsOptions {
  db: PrismaClient;
  vapid: VapidConfig;
  /** Which of these users hold a live connection now; presence plugs in here. */
  onlineAmong(userIds: readonly string[]): Promise<Set<string>>;
  /** Seconds a push service keeps an undelivered notification. */
  ttlSeconds?: number;
  log?: (message: string, error?: unknown) => void;
}

/** What the service worker receives (decrypted) for a new message. */
export interface PushPayload {
  type: 'message';
  chatId: string;
  chatTitle: string | null;
  messageId: string;
  seq: number;
  sender: { id: string; displayName: string };
  /** Absent for end-to-end encrypted messages: the server never reads them into a push. */
  body?: string;
}

/**
 * Web Push (RFC 8030, payload encrypted per RFC 8291, VAPID per RFC 8292) to each push
 * subscription of each recipient with no live connection, once per message and subscription:
 * a subscription is recorded as delivered once its push service accepted the notification, so a
 * retried job skips it. Subscriptions the service reports gone (404/410) are deleted.
 */
export function pushNotifications(options: PushNotificationsOptions): EventHandler {
  const log = options.log ?? defaultLog({ component: 'push' });
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
    const payload: PushPayload = {
      type: 'message',
      chatId: message.chatId,
      chatTitle: message.chatTitle,
      messageId: message.messageId,
      seq: message.seq,
      sender: { id: message.senderId, displayName: sender?.displayName ?? 'Someone' },
      ...(message.encrypted || message.body === null ? {} : { body: message.body }),
    };
    const body = JSON.stringify(payload);

    let failure: unknown;
    // One at a time: a retry after a crash resumes after the last subscription recorded.
    for (const subscription of subscriptions) {
      const consumer = `push:${subscription.id}`;
      const delivered = await options.db.processedEvent.findUnique({
        where: { consumer_eventId: { consumer, eventId: event.eventId } },
      });
      if (delivered) continue;
      // web-push builds the RFC 8291 payload and the VAPID header; we send it with fetch, which
      // gives us the status (404/410: gone) and a timeout.
      const request = webPush.generateRequestDetails(
        { endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } },
        body,
        {
          vapidDetails: options.vapid,
          TTL: options.ttlSeconds ?? 24 * 3600,
          contentEncoding: 'aes128gcm',
          // Same topic for a retried notification: the push service replaces, not duplicates.
          topic: message.messageId.replaceAll('-', ''),
          urgency: 'high',
        },
      );
      try {
        const response = await fetch(request.endpoint, {
          method: request.method,
          headers: request.headers as Record<string, string>,
          body: request.body,
          signal: AbortSignal.timeout(10_000),
        });
        await response.body?.cancel();
        if (response.status === 404 || response.status === 410) {
          await options.db.pushSubscription.deleteMany({ where: { id: subscription.id } });
          continue;
        }
        if (!response.ok) throw new Error(`push service answered ${response.status}`);
        await firstDelivery(options.db, 'users', consumer, event.eventId);
      } catch (error) {
        log(`push to subscription ${subscription.id} failed`, error);
        failure = error;
      }
    }
    // The job retries (with backoff) only for the subscriptions that were not reached.
    if (failure) throw failure;
  };
}

/** For the worker: the push handler with its own connection to the users schema. */
export function openPushNotifications(databaseUrl: string, options: Omit<PushNotificationsOptions, 'db'>) {
  const db = new PrismaClient({ adapter: pgAdapter(databaseUrl, 4) });
  return { handle: pushNotifications({ ...options, db }), close: () => db.$disconnect() };
}
