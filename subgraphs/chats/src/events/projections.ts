import { advanceProjection, type EventHandler } from '@switchboard/messaging';
import { pgAdapter } from '@switchboard/db';
import { PrismaClient } from '../generated/prisma/client.ts';

/**
 * chats' projections of other subgraphs' events: blocks (users) and attachable media (media).
 * Each change is applied only if newer than the last one seen for its key.
 */
export function chatsProjections(db: PrismaClient): EventHandler {
  return async (event) => {
    switch (event.type) {
      case 'UserBlocked':
      case 'UserUnblocked': {
        const { blockerId, blockedId } = event.payload as { blockerId: string; blockedId: string };
        await db.$transaction(async (tx) => {
          if (!(await advanceProjection(tx, 'chats', `block:${blockerId}:${blockedId}`, event.sequence))) return;
          if (event.type === 'UserBlocked') {
            await tx.blockProjection.upsert({
              where: { blockerId_blockedId: { blockerId, blockedId } },
              create: { blockerId, blockedId },
              update: {},
            });
          } else {
            await tx.blockProjection.deleteMany({ where: { blockerId, blockedId } });
          }
        });
        return;
      }
      case 'MediaCreated': {
        const { mediaId, ownerId } = event.payload as { mediaId: string; ownerId: string };
        await db.attachableMedia.upsert({ where: { mediaId }, create: { mediaId, ownerId }, update: {} });
        return;
      }
      default:
        return;
    }
  };
}

/** For the worker: the handler with its own connection to the chats schema. */
export function openChatsProjections(databaseUrl: string) {
  const db = new PrismaClient({ adapter: pgAdapter(databaseUrl, 4) });
  return { handle: chatsProjections(db), close: () => db.$disconnect() };
}
