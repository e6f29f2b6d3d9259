import { RetryLaterError, type EventHandler, type ReceivedEvent } from '@switchboard/messaging';
import type { IdentitySigner } from '@switchboard/core';
import { pgAdapter } from '@switchboard/db';
import { defaultLog } from '@switchboard/observability';
import { PrismaClient } from '../generated/prisma/client.ts';
import { createPushSender, type PushTargetOptions } from '../pushTargets.ts';
import { chatsPushes, MAX_OWED_PAGE, type ChatsPushes } from './chatsPushes.ts';
import { devicePushes, type DevicePushes, type MessagePushPayload } from './devicePushes.ts';
import type { LiveAmong } from './presenceLive.ts';
import { claimPush, markPushSent, releasePush } from './pushDeliveries.ts';
import { pushSweep, type PushSweepOptions } from './pushSweep.ts';
import { sendWebPush, type VapidConfig, type WebPushContext } from './webPush.ts';

export type { VapidConfig } from './webPush.ts';
export type { MessagePushPayload } from './devicePushes.ts';
export { presenceLive, type LiveAmong } from './presenceLive.ts';
export { DEFAULT_PUSH_SWEEP } from './pushSweep.ts';

export interface PushNotificationsOptions {
  web: WebPushContext;
  /** What chats keeps of each device's pushes (owed, claimed, settled). */
  chats: ChatsPushes;
  /** Which of these devices hold a live connection now: presence answers (presenceLive.ts). */
  connectedAmong: LiveAmong;
  /**
   * How long a claim on a push holds before another attempt may take it over (default 30 s).
   * Each POST times out after a third of it, so a live holder is done well before.
   */
  claimLeaseMs?: number;
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

export const DEFAULT_PUSH_CLAIM_LEASE_MS = 30_000;

/**
 * Push per device (README, "Push notifications"). What a device is owed is read from chats' inbox,
 * so nothing here depends on the job that runs it: this is the fast path, and the sweep
 * (pushSweep.ts) sends whatever it missed.
 *
 * - MessageSent: the recipients' devices that have a push target and are owed a push (chats) and
 *   hold no live connection (presence) get one notification each, on each of their targets
 *   (devicePushes.ts), claimed in chats so it is sent once per batch of entries.
 * - CallStarted: each of the callee's devices with no live connection gets one push of the call
 *   while it rings, on each of its targets, claimed per (event, target) in `users.PushDelivery`
 *   (pushDeliveries.ts): a call is not an inbox batch, and its push is worth nothing once it stops
 *   ringing. An attempt skips a push already sent, waits for one another attempt holds, and takes
 *   over a claim only after its lease (then the same Topic and tag: shown once).
 */
export function pushNotifications(options: PushNotificationsOptions, pushes: DevicePushes): EventHandler {
  const { web } = options;
  const leaseMs = options.claimLeaseMs ?? DEFAULT_PUSH_CLAIM_LEASE_MS;

  async function messageSent(recipientIds: readonly string[]) {
    // users' own table first: chats and presence are asked only about devices a push could reach
    // (a recipient with no push target, a web user, costs no call).
    const targets = await web.db.pushSubscription.findMany({
      where: { userId: { in: [...recipientIds] }, deviceId: { not: null } },
      select: { deviceId: true },
    });
    const deviceIds = [...new Set(targets.map((target) => target.deviceId!))];
    for (let i = 0; i < deviceIds.length; i += MAX_OWED_PAGE) {
      const page = deviceIds.slice(i, i + MAX_OWED_PAGE);
      await pushes.push(await options.chats.owed({ deviceIds: page, minAgeMs: 0, limit: page.length }));
    }
  }

  async function callStarted(event: Extract<ReceivedEvent, { type: 'CallStarted' }>) {
    const call = event.payload;
    // A call is worth ringing only while it rings: the push service drops it after that.
    const ttlSeconds = Math.floor((Date.parse(call.ringsUntil) - Date.now()) / 1000);
    if (ttlSeconds < 1) return;
    const reachable = await web.db.pushSubscription.findMany({
      where: { userId: call.calleeId, deviceId: { not: null } },
      orderBy: { createdAt: 'asc' },
    });
    if (reachable.length === 0) return;
    const connected = await options.connectedAmong([...new Set(reachable.map((s) => s.deviceId!))]);
    const subscriptions = reachable.filter((subscription) => !connected.has(subscription.deviceId!));
    if (subscriptions.length === 0) return;
    const caller = await web.db.user.findUnique({
      where: { id: call.callerId },
      select: { displayName: true },
    });
    const displayName = caller?.displayName ?? 'Someone';
    const payload: CallPushPayload = {
      type: 'call',
      callId: call.callId,
      chatId: call.chatId,
      video: call.video,
      caller: { id: call.callerId, displayName },
      text: `Incoming ${call.video ? 'video' : 'voice'} call from ${displayName}`,
      tag: call.callId,
      ringsUntil: call.ringsUntil,
    };
    const notification = {
      body: JSON.stringify(payload),
      topic: call.callId.replaceAll('-', ''),
      ttlSeconds,
    };

    let failed = false;
    let heldFor: number | undefined;
    // One at a time: each push is claimed, sent and recorded before the next.
    for (const subscription of subscriptions) {
      const claim = await claimPush(web.db, event.eventId, subscription.id, leaseMs);
      if (claim.state === 'sent') continue;
      if (claim.state === 'held') {
        heldFor = Math.min(heldFor ?? Infinity, claim.expiresInMs);
        continue;
      }
      const outcome = await sendWebPush(web, subscription, notification);
      // Refused for sure: the job's next attempt may send it at once. Of unknown fate (it may have
      // reached the push service): the claim stays, and only its lease's end lets an attempt send again.
      if (outcome === 'rejected') await releasePush(web.db, event.eventId, subscription.id, claim.claimId);
      if (outcome === 'rejected' || outcome === 'unknown') failed = true;
      else await markPushSent(web.db, event.eventId, subscription.id);
    }
    // The job retries (with backoff) only for the subscriptions that were not reached.
    if (failed) throw new Error('a push of this call was not delivered');
    // Another attempt is sending some: look again each second until it is sent or its claim expires.
    if (heldFor !== undefined)
      throw new RetryLaterError('another attempt holds a push of this event', Math.min(heldFor + 50, 1000));
  }

  return async (event) => {
    if (event.type === 'MessageSent') await messageSent(event.payload.recipientIds);
    else if (event.type === 'CallStarted') await callStarted(event);
  };
}

export interface OpenPushNotificationsOptions {
  vapid: VapidConfig;
  /** The worker's signer: its calls to chats and presence. */
  signer: IdentitySigner;
  /** chats' gRPC server: what each device is owed. */
  chatsRpcUrl: string | (() => string);
  connectedAmong: LiveAmong;
  /** Seconds a push service keeps an undelivered message notification (default a day). */
  ttlSeconds?: number;
  /** Which targets may be sent to: public push services, plus allowed hosts (pushTargets.ts). */
  targets?: PushTargetOptions;
  claimLeaseMs?: number;
  /** The sweep that sends what the MessageSent jobs missed (pushSweep.ts). */
  sweep?: Partial<Omit<PushSweepOptions, 'chats' | 'pushes' | 'log'>>;
  log?: (message: string, error?: unknown) => void;
}

/**
 * For the worker: the push handler and the sweep, with their own connection to the users schema,
 * as users' role. The sweep runs from `start()` to `close()`.
 */
export function openPushNotifications(databaseUrl: string, options: OpenPushNotificationsOptions) {
  const log = options.log ?? defaultLog({ component: 'push' });
  const leaseMs = options.claimLeaseMs ?? DEFAULT_PUSH_CLAIM_LEASE_MS;
  const db = new PrismaClient({ adapter: pgAdapter(databaseUrl, { subgraph: 'users' }) });
  const sender = createPushSender({ ...options.targets, timeoutMs: leaseMs / 3 });
  const web: WebPushContext = {
    db,
    sender,
    vapid: options.vapid,
    ...(options.targets ? { targets: options.targets } : {}),
    log,
  };
  const chats = chatsPushes({ url: options.chatsRpcUrl, signer: options.signer, leaseMs });
  const pushes = devicePushes({
    web,
    chats,
    connectedAmong: options.connectedAmong,
    ttlSeconds: options.ttlSeconds ?? 24 * 3600,
  });
  const sweep = pushSweep({ ...options.sweep, chats, pushes, log });
  return {
    handle: pushNotifications(
      { web, chats, connectedAmong: options.connectedAmong, claimLeaseMs: leaseMs },
      pushes,
    ),
    start: () => sweep.start(),
    close: async () => {
      await sweep.stop();
      sender.close();
      await db.$disconnect();
    },
  };
}
