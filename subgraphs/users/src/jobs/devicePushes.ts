import type { PushSubscription } from '../generated/prisma/client.ts';
import type { ChatsPushes, OwedPush, PushClaim } from './chatsPushes.ts';
import type { LiveAmong } from './presenceLive.ts';
import { sendWebPush, type WebPushContext, type WebPushOutcome } from './webPush.ts';

/**
 * What the service worker receives (decrypted) for new messages: the newest one the device is
 * owed, never its text (the app fetches it when opened).
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

export interface DevicePushesOptions {
  web: WebPushContext;
  chats: ChatsPushes;
  /** Which of these devices hold a live connection (presence). */
  connectedAmong: LiveAmong;
  /** Seconds a push service keeps an undelivered notification. */
  ttlSeconds: number;
  /** Devices pushed at once (default 8). */
  concurrency?: number;
}

/** Some pushes were not delivered: released (owed again at once), or left to their claim's lease. */
export class DevicePushError extends Error {
  override readonly name = 'DevicePushError';
}

/**
 * Pushes devices that chats says are owed a push (README, "Push notifications"), once per batch of
 * entries: a device with a live connection is left alone (it gets its entries on the socket, and
 * the sweep looks again once they are older than the grace); the others are claimed in chats
 * (`pushedPos`), so of several workers, or the MessageSent job and the sweep, one sends; each
 * claimed device gets one notification on each of its push targets, and its claim is settled:
 * confirmed when every target took it (or is gone, or refused), released when one answered with
 * a failure (owed again at once: the caller's retry or the next sweep sends again, to all of the
 * device's targets), or left to its lease when a POST's fate is unknown (the sweep sends again
 * after it: same Topic and tag, so the user sees it once). A device with no push target is
 * claimed and confirmed: nothing to send, nothing owed.
 */
export function devicePushes(options: DevicePushesOptions) {
  const { web, chats } = options;
  const concurrency = options.concurrency ?? 8;

  const payload = (owed: OwedPush, displayName: string): MessagePushPayload => ({
    type: 'message',
    chatId: owed.chatId,
    chatTitle: owed.chatTitle,
    messageId: owed.messageId,
    seq: owed.seq,
    sender: { id: owed.senderId, displayName },
    text: `New message from ${displayName}`,
    tag: owed.messageId,
  });

  /** One device's targets, in order; what became of the device's push. */
  async function pushOne(owed: OwedPush, targets: PushSubscription[], displayName: string) {
    const notification = {
      body: JSON.stringify(payload(owed, displayName)),
      topic: owed.messageId.replaceAll('-', ''),
      ttlSeconds: options.ttlSeconds,
    };
    const outcomes: WebPushOutcome[] = [];
    for (const target of targets) outcomes.push(await sendWebPush(web, target, notification));
    if (outcomes.includes('unknown')) return 'unknown';
    return outcomes.includes('rejected') ? 'rejected' : 'sent';
  }

  return {
    /** Pushes the owed devices; throws DevicePushError when some were not delivered. */
    async push(owed: readonly OwedPush[]): Promise<void> {
      if (owed.length === 0) return;
      const connected = await options.connectedAmong(owed.map((device) => device.deviceId));
      const offline = owed.filter((device) => !connected.has(device.deviceId));
      const claimed = await chats.claim(offline.map(({ deviceId, pos }) => ({ deviceId, pos })));
      if (claimed.length === 0) return;
      const held = new Set(claimed.map((claim) => `${claim.deviceId}:${claim.pos}`));
      const devices = offline.filter((device) => held.has(`${device.deviceId}:${device.pos}`));

      // users' own tables: each device's targets, and the senders' names (all a notification tells).
      const [subscriptions, senders] = await Promise.all([
        web.db.pushSubscription.findMany({
          where: { deviceId: { in: devices.map((device) => device.deviceId) } },
          orderBy: { createdAt: 'asc' },
        }),
        web.db.user.findMany({
          where: { id: { in: [...new Set(devices.map((device) => device.senderId))] } },
          select: { id: true, displayName: true },
        }),
      ]);
      const nameOf = new Map(senders.map((user) => [user.id, user.displayName]));
      const targetsOf = new Map<string, PushSubscription[]>();
      for (const subscription of subscriptions) {
        const deviceId = subscription.deviceId!;
        targetsOf.set(deviceId, [...(targetsOf.get(deviceId) ?? []), subscription]);
      }

      const sent: PushClaim[] = [];
      const released: PushClaim[] = [];
      let unknown = 0;
      const queue = [...devices];
      const run = async () => {
        for (let device = queue.shift(); device; device = queue.shift()) {
          const claim = { deviceId: device.deviceId, pos: device.pos };
          const outcome = await pushOne(
            device,
            targetsOf.get(device.deviceId) ?? [],
            nameOf.get(device.senderId) ?? 'Someone',
          );
          if (outcome === 'sent') sent.push(claim);
          else if (outcome === 'rejected') released.push(claim);
          else unknown += 1;
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, devices.length) }, run));
      await chats.settle(sent, released);
      if (released.length > 0 || unknown > 0)
        throw new DevicePushError(
          `${released.length} device push(es) refused by the push service, ${unknown} of unknown fate`,
        );
    },
  };
}

export type DevicePushes = ReturnType<typeof devicePushes>;
