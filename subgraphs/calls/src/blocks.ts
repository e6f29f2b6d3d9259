import type { PrismaClient } from './generated/prisma/client.ts';

/** Whether either user blocked the other, from the projection of users' block events. */
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
