import { Prisma, type PrismaClient } from './generated/prisma/client.ts';

export type Tx = Prisma.TransactionClient;

/**
 * Interactive transactions queue behind a chat's row lock when many write to one chat at once
 * (a busy group): give them room to wait rather than Prisma's 2 s / 5 s defaults.
 */
export function transaction<T>(db: PrismaClient, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.$transaction(work, { maxWait: 10_000, timeout: 20_000 });
}

/**
 * A unique constraint said no: someone else created the row first. Prisma reports it as P2002,
 * or, from a raw query, as P2010 carrying Postgres' code 23505.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return false;
  return error.code === 'P2002' || (error.code === 'P2010' && /\b23505\b/.test(error.message));
}

/**
 * Locks a chat's row until the transaction ends, so membership changes and message numbering on
 * one chat happen one at a time. Returns its last seq (exact while the lock is held), or null when
 * the chat is gone.
 */
export async function lockChat(tx: Tx, chatId: string): Promise<number | null> {
  const [row] = await tx.$queryRaw<{ lastSeq: number }[]>`
    SELECT "lastSeq" FROM "chats"."Chat" WHERE "id" = ${chatId}::uuid FOR UPDATE`;
  return row?.lastSeq ?? null;
}

/**
 * A chat's membership version (Chat.memberVersion), read under a share lock on its row: it holds
 * until the transaction ends, so the version is that of the members the change reached. Live events
 * of the chat carry it as `accessVersion` (docs/live-subscriptions.md).
 */
export async function memberVersion(tx: Tx, chatId: string): Promise<number> {
  const [row] = await tx.$queryRaw<{ memberVersion: number }[]>`
    SELECT "memberVersion" FROM "chats"."Chat" WHERE "id" = ${chatId}::uuid FOR SHARE`;
  return row?.memberVersion ?? 0;
}

/**
 * Counts a membership change (add, remove, leave; a chat is created at 1) and answers the new
 * version, for the change's ChatMemberJoined/ChatMemberLeft; the caller holds the chat's row lock.
 */
export async function bumpMemberVersion(tx: Tx, chatId: string): Promise<number> {
  const [row] = await tx.$queryRaw<{ memberVersion: number }[]>`
    UPDATE "chats"."Chat" SET "memberVersion" = "memberVersion" + 1 WHERE "id" = ${chatId}::uuid
    RETURNING "memberVersion"`;
  return row?.memberVersion ?? 0;
}
