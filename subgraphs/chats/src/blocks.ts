import type { PrismaClient } from './generated/prisma/client.ts';

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
