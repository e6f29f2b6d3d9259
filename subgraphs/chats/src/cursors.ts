import { badInput } from '@switchboard/core';

/**
 * Opaque Relay cursors: base64url of a small tagged string. Clients must not build them, so the
 * format can change; a cursor that does not decode is BAD_USER_INPUT, never a database error.
 */
const encode = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
const decode = (cursor: string) => Buffer.from(cursor, 'base64url').toString('utf8');

const MAX_INT = 2 ** 31 - 1;
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

/** `first`/`last`: 1-100, 50 when absent. */
export function pageSize(value: number | null | undefined, field: string): number {
  if (value == null) return DEFAULT_PAGE_SIZE;
  if (value < 1 || value > MAX_PAGE_SIZE)
    throw badInput(`${field} must be between 1 and ${MAX_PAGE_SIZE}`, field);
  return value;
}

export const messageCursor = (seq: number) => encode(`m:${seq}`);

export function parseMessageCursor(cursor: string, field: string): number {
  const match = /^m:(\d{1,10})$/.exec(decode(cursor));
  const seq = Number(match?.[1]);
  if (!match || seq > MAX_INT) throw badInput('Invalid cursor', field);
  return seq;
}

/** The chat list is ordered by (lastMessageAt desc, id desc): its cursor carries both. */
export const chatCursor = (chat: { lastMessageAt: Date; id: string }) =>
  encode(`c:${chat.lastMessageAt.getTime()}:${chat.id}`);

export function parseChatCursor(cursor: string, field: string): { lastMessageAt: Date; id: string } {
  const match = /^c:(\d{1,15}):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.exec(
    decode(cursor),
  );
  if (!match) throw badInput('Invalid cursor', field);
  return { lastMessageAt: new Date(Number(match[1])), id: match[2]! };
}
