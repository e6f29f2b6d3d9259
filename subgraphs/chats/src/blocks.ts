import { applyIfNewer } from '@switchboard/messaging';
import type { PrismaClient } from './generated/prisma/client.ts';

/**
 * A block or unblock applied to chats' projection, if `version` (the sequence of users' event for
 * it) is newer than the last change seen for the pair: the event path and users' synchronous call
 * (chatsService.ts) both come here, so whichever arrives second is a no-op. Returns whether it applied.
 */
export function applyBlockChange(
  db: PrismaClient,
  pair: { blockerId: string; blockedId: string },
  blocked: boolean,
  version: bigint,
): Promise<boolean> {
  const { blockerId, blockedId } = pair;
  return applyIfNewer(db, 'chats', `block:${blockerId}:${blockedId}`, version, (tx) =>
    blocked
      ? tx.blockProjection.upsert({
          where: { blockerId_blockedId: { blockerId, blockedId } },
          create: { blockerId, blockedId },
          update: {},
        })
      : tx.blockProjection.deleteMany({ where: { blockerId, blockedId } }),
  );
}

/**
 * Whether either user blocked the other, from the projection of users' UserBlocked/UserUnblocked
 * events (chats never reads users' tables).
 */
export async function blockedBetween(db: PrismaClient, a: string, b: string): Promise<boolean> {
  const block = await db.blockProjection.findFirst({
    where: {
      OR: [
        { blockerId: a, blockedId: b },
        { blockerId: b, blockedId: a },
      ],
    },
    select: { blockerId: true },
  });
  return block !== null;
}

/** The two users of a direct chat, from its key ("<smaller id>:<larger id>"). */
export function directPair(directKey: string): [string, string] {
  const [a, b] = directKey.split(':');
  if (!a || !b) throw new Error(`Malformed directKey ${directKey}`);
  return [a, b];
}
