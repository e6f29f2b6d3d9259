import { Prisma, type PrismaClient } from './generated/prisma/client.ts';

export type Tx = Prisma.TransactionClient;

/**
 * Interactive transactions queue behind a chat's row lock when many write to one chat at once
 * (a busy group): give them room to wait rather than Prisma's 2 s / 5 s defaults.
 */
export function transaction<T>(db: PrismaClient, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.$transaction(work, { maxWait: 10_000, timeout: 20_000 });
}

/** A unique constraint said no (Prisma's P2002): someone else created the row first. */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
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
