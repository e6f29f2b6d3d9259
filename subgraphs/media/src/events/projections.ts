import { applyIfNewer, projectChatMembership, type EventHandler } from '@switchboard/messaging';
import { pgAdapter } from '@switchboard/db';
import { PrismaClient } from '../generated/prisma/client.ts';

/**
 * media's projections of other subgraphs' events: who is in which chat and which media is
 * attached in which chat (chats), and which media is someone's avatar (users). Together they
 * decide who may obtain a media URL (mediaLoader.ts).
 */
export function mediaProjections(db: PrismaClient): EventHandler {
  return async (event) => {
    switch (event.type) {
      case 'ChatMemberJoined':
      case 'ChatMemberLeft':
        return projectChatMembership(db, 'media', event);
      case 'MessageSent': {
        const { chatId, attachmentIds } = event.payload;
        if (attachmentIds.length === 0) return;
        await db.mediaGrant.createMany({
          data: attachmentIds.map((mediaId) => ({ mediaId, chatId })),
          skipDuplicates: true,
        });
        return;
      }
      case 'UserAvatarChanged': {
        const { userId, mediaId } = event.payload;
        await applyIfNewer(db, 'media', `avatar:${userId}`, event.sequence, async (tx) => {
          // Only one's own upload can become public as an avatar (users checks this too).
          const own =
            mediaId !== null && (await tx.media.count({ where: { id: mediaId, ownerId: userId } })) === 1;
          return own
            ? tx.avatarGrant.upsert({ where: { userId }, create: { userId, mediaId }, update: { mediaId } })
            : tx.avatarGrant.deleteMany({ where: { userId } });
        });
        return;
      }
      default:
        return;
    }
  };
}

/** For the worker: the handler with its own connection to the media schema. */
export function openMediaProjections(databaseUrl: string) {
  const db = new PrismaClient({ adapter: pgAdapter(databaseUrl, { subgraph: 'media' }) });
  return { handle: mediaProjections(db), close: () => db.$disconnect() };
}

/** The tables these projections own (a rebuild replays what the outboxes kept over them). */
export const projectionTables = {
  schema: 'media',
  tables: ['ChatMembership', 'MediaGrant', 'AvatarGrant', 'ProjectionVersion'],
} as const;
