import { randomUUID } from 'node:crypto';
import { appError, badInput, deliveryKey, ErrorCode, unauthenticated, asUuid } from '@switchboard/core';
import type { CallSignalKind } from './__generated__/resolvers-types.ts';
import type { ChatsContext } from './context.ts';
import type { Tx } from './db.ts';
import type { Chat, Message, PrismaClient } from './generated/prisma/client.ts';

/**
 * One inbox per device (docs/devices-and-inbox.md): entries are appended by chats.inbox_append in
 * the transaction of the change they report, then a "look" is published per device written.
 */

export type InboxKind =
  'MessageAdded' | 'MessageChanged' | 'ReceiptChanged' | 'ChatJoined' | 'ChatLeft' | 'CallSignal';

export interface InboxItem {
  kind: InboxKind;
  payload: Record<string, unknown>;
}

/** An entry as chats.inbox_append wrote it. */
export interface WrittenEntry {
  deviceId: string;
  pos: number;
  /**
   * The same for every device's entry of one item: those entries read alike but for their cursor,
   * so the gateway resolves the item once for all of them (`share` in docs/live-subscriptions.md).
   */
  share?: string;
}

/** The live channel a device's inbox is announced on (`@live(channel: "inbox:{device}")`). */
export const inboxChannel = (deviceId: string) => `inbox:${deviceId}`;

/**
 * Appends `items`, in order, to every active device of `userIds` (or of the chat's current
 * members when null). Call inside the change's transaction; publish with `announceInbox` after.
 */
export async function appendInbox(
  tx: Tx | PrismaClient,
  chatId: string | null,
  userIds: string[] | null,
  items: InboxItem[],
): Promise<WrittenEntry[]> {
  if (items.length === 0) return [];
  const written = await tx.$queryRaw<WrittenEntry[]>`
    SELECT "deviceId"::text AS "deviceId", "pos" FROM "chats"."inbox_append"(
      ${chatId}::uuid, ${userIds}::uuid[], ${items.map((item) => item.kind)}::text[],
      ${items.map((item) => JSON.stringify(item.payload))}::jsonb[])`;
  return shareByItem(written);
}

/**
 * Gives the entries of one append of the same items to every device a share id per item:
 * chats.inbox_append numbers each device's entries in the items' order, so the n-th lowest
 * position written for a device holds the n-th item.
 */
export function shareByItem(written: WrittenEntry[]): WrittenEntry[] {
  const first = new Map<string, number>();
  for (const { deviceId, pos } of written) first.set(deviceId, Math.min(pos, first.get(deviceId) ?? pos));
  const shares: string[] = [];
  return written.map((entry) => {
    const item = entry.pos - first.get(entry.deviceId)!;
    return { ...entry, share: (shares[item] ??= randomUUID()) };
  });
}

/**
 * Says "look" for every written entry on its device's channel once the change committed. An entry
 * with a share id carries it, and its own cursor under `own`: the gateway resolves a shared item
 * once and hands each device the result with its own cursor.
 */
export function announceInbox(
  ctx: Pick<ChatsContext, 'live'>,
  written: WrittenEntry[],
  event?: { __typename: string; message?: object },
): void {
  // The entry as committed (architecture.md, principle 8) rides along for a few devices (a direct
  // chat's four): a large group's thousand events would each carry it to be used once per share.
  const withData = event !== undefined && written.length <= MAX_DEVICES_WITH_DATA;
  for (const { deviceId, pos, share } of written) {
    const cursor = encodeCursor(deviceId, pos);
    const data = withData ? { data: { __typename: 'InboxEntry', cursor, pos, event } } : {};
    ctx.live.publishAfterCommit(
      inboxChannel(deviceId),
      share === undefined
        ? { type: 'inbox', deviceId, pos, ...data }
        : { type: 'inbox', deviceId, pos, share, own: { cursor }, ...data },
    );
  }
}

/** Up to how many devices an announced entry carries its content (`announceInbox`). */
const MAX_DEVICES_WITH_DATA = 16;

/** A message changed (edit, deletion, reaction, status): every member device is told. */
export const messageChanged = (messageId: string): InboxItem => ({
  kind: 'MessageChanged',
  payload: { messageId },
});

// Cursors: opaque to clients; the device and the position, so one of another device is refused.

export function encodeCursor(deviceId: string, pos: number): string {
  return Buffer.from(`${deviceId}.${pos}`).toString('base64url');
}

export function decodeCursor(cursor: string): { deviceId: string; pos: number } | null {
  const [device, pos, ...rest] = Buffer.from(cursor, 'base64url').toString().split('.');
  const deviceId = device ? asUuid(device) : null;
  const position = Number(pos);
  if (rest.length || !deviceId || !Number.isSafeInteger(position) || position < 0) return null;
  return { deviceId, pos: position };
}

export const resyncRequired = (message: string) => appError(ErrorCode.RESYNC_REQUIRED, message);

/** The caller's own device; a caller without one (a token of no device) is UNAUTHENTICATED. */
export function requireDevice(ctx: ChatsContext): string {
  const deviceId = ctx.identity.userId ? ctx.identity.deviceId : null;
  if (!deviceId) throw unauthenticated();
  return deviceId;
}

/**
 * A device's inbox may be read by that device, or by the gateway resolving a live event once for
 * the followers of that device's channel; anyone else is refused as if it did not exist.
 */
export function requireInboxReader(ctx: ChatsContext, device: string): string {
  const deviceId = asUuid(device);
  const allowed = ctx.identity.userId
    ? ctx.identity.deviceId === deviceId
    : deliveryKey(ctx.identity, 'inbox') === deviceId;
  if (!deviceId || !allowed) throw unauthenticated('Not this device');
  return deviceId;
}

/** Messages read for an inbox entry: their `chat` is answered without a membership check (see messages.ts). */
export const inboxMessages = new WeakSet<Message>();

interface EntryRow {
  deviceId: string;
  pos: number;
  kind: InboxKind;
  chatId: string | null;
  payload: Record<string, unknown>;
}

/** An entry's event, as the `InboxEvent` union answers it. */
export type InboxEvent =
  | { __typename: 'MessageAdded' | 'MessageChanged'; message: Message }
  | {
      __typename: 'ReceiptChanged';
      chat: Chat;
      user: { __typename: 'User'; id: string };
      deliveredSeq: number;
      readSeq: number;
    }
  | { __typename: 'ChatJoined'; chat: Chat }
  | { __typename: 'ChatLeft'; chatId: string }
  | {
      __typename: 'CallSignal';
      kind: CallSignalKind;
      sdp: string | null;
      candidate: string | null;
      call: { __typename: 'Call'; id: string };
    }
  | { __typename: 'CaughtUp'; backlog: number };

const CALL_SIGNAL_KINDS: ReadonlySet<string> = new Set<CallSignalKind>([
  'INCOMING',
  'ANSWERED',
  'ANSWERED_ELSEWHERE',
  'ICE_CANDIDATE',
  'ENDED',
]);

const str = (value: unknown) => (typeof value === 'string' ? value : null);
const int = (value: unknown) => (typeof value === 'number' ? value : 0);

/**
 * Entries as the `InboxEntry` type answers them. An entry was written while its device was owed
 * it (a member then): it is answered as stored, even if the user left the chat since.
 */
export async function inboxEntries(ctx: ChatsContext, rows: EntryRow[]) {
  const messageIds = rows.flatMap((row) => str(row.payload['messageId']) ?? []);
  const chatIds = rows.flatMap((row) => row.chatId ?? []);
  const [messages, chats] = await Promise.all([
    Promise.all(messageIds.map((id) => ctx.loaders.message.load(id))),
    Promise.all(chatIds.map((id) => ctx.loaders.chat.load(id))),
  ]);
  const messageById = new Map(messages.flatMap((message) => (message ? [[message.id, message]] : [])));
  const chatById = new Map(chats.flatMap((chat) => (chat ? [[chat.id, chat]] : [])));
  return rows.flatMap((row) => {
    const event = eventOf(row, messageById, chatById);
    return event ? [{ cursor: encodeCursor(row.deviceId, row.pos), pos: row.pos, event }] : [];
  });
}

function eventOf(row: EntryRow, messages: Map<string, Message>, chats: Map<string, Chat>): InboxEvent | null {
  const { payload, chatId } = row;
  const chat = chatId ? chats.get(chatId) : undefined;
  // A message is never deleted (only its content) and a chat only whole: gone means the chat is.
  const gone: InboxEvent | null = chatId ? { __typename: 'ChatLeft', chatId } : null;
  switch (row.kind) {
    case 'MessageAdded':
    case 'MessageChanged': {
      const message = messages.get(str(payload['messageId']) ?? '');
      if (!message) return gone;
      inboxMessages.add(message);
      return { __typename: row.kind, message };
    }
    case 'ReceiptChanged':
      if (!chat) return gone;
      return {
        __typename: 'ReceiptChanged',
        chat,
        user: { __typename: 'User', id: str(payload['userId']) ?? '' },
        deliveredSeq: int(payload['deliveredSeq']),
        readSeq: int(payload['readSeq']),
      };
    case 'ChatJoined':
      return chat ? { __typename: 'ChatJoined', chat } : gone;
    case 'ChatLeft':
      return gone;
    case 'CallSignal': {
      const kind = str(payload['kind']);
      const callId = str(payload['callId']);
      if (!kind || !CALL_SIGNAL_KINDS.has(kind) || !callId) return null;
      return {
        __typename: 'CallSignal',
        kind: kind as CallSignalKind,
        sdp: str(payload['sdp']),
        candidate: str(payload['candidate']),
        call: { __typename: 'Call', id: callId },
      };
    }
  }
}

/** How many entries one replay call returns at most. */
export const MAX_INBOX_PAGE = 500;

export async function entriesAfter(ctx: ChatsContext, deviceId: string, after: number, first: number) {
  if (first < 1 || first > MAX_INBOX_PAGE)
    throw badInput(`first must be between 1 and ${MAX_INBOX_PAGE}`, 'first');
  const rows = await ctx.db.inboxEntry.findMany({
    where: { deviceId, pos: { gt: after } },
    orderBy: { pos: 'asc' },
    take: first,
  });
  return inboxEntries(ctx, rows as EntryRow[]);
}
