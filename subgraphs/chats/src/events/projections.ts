import { createLivePublisher, type EventHandler, type LivePublisher } from '@switchboard/messaging';
import { pgAdapter } from '@switchboard/db';
import { defaultLog } from '@switchboard/observability';
import { applyBlockChange } from '../blocks.ts';
import { PrismaClient } from '../generated/prisma/client.ts';
import { messageUpdated } from '../liveEvents.ts';

/** Messages told of one processed media at most: a media is attached to a handful in practice. */
const MAX_MESSAGES_PER_MEDIA = 100;

/**
 * chats' projections of other subgraphs' events: blocks (users) and attachable media (media).
 * Each change is applied only if newer than the last one seen for its key. A processed media is
 * news to the subscribers of the messages that carry it (their attachments changed status).
 */
export function chatsProjections(db: PrismaClient, live: LivePublisher): EventHandler {
  return async (event) => {
    switch (event.type) {
      case 'UserBlocked':
      case 'UserUnblocked':
        // users told chats already (chatsService.ts) unless that call failed: this heals it.
        await applyBlockChange(db, event.payload, event.type === 'UserBlocked', event.sequence);
        return;
      case 'MediaCreated': {
        const { mediaId, ownerId } = event.payload;
        await db.attachableMedia.upsert({ where: { mediaId }, create: { mediaId, ownerId }, update: {} });
        return;
      }
      case 'MediaProcessed': {
        const { mediaId } = event.payload;
        // Live events only: nothing is stored, so a retry at most repeats an announcement.
        const messages = await db.$queryRaw<{ id: string; chatId: string; memberVersion: number }[]>`
          SELECT m."id"::text AS "id", m."chatId"::text AS "chatId", c."memberVersion"
          FROM "chats"."Message" m JOIN "chats"."Chat" c ON c."id" = m."chatId"
          WHERE m."attachmentIds" @> ARRAY[${mediaId}]::uuid[]
          ORDER BY m."createdAt" DESC
          LIMIT ${MAX_MESSAGES_PER_MEDIA}`;
        await Promise.all(
          messages.map((message) => live.publish(...messageUpdated(message, message.memberVersion))),
        );
        return;
      }
      default:
        return;
    }
  };
}

/** For the worker: the handler with its own connection (as chats' role) and live events. */
export function openChatsProjections(databaseUrl: string, redisUrl: string) {
  const db = new PrismaClient({ adapter: pgAdapter(databaseUrl, { subgraph: 'chats' }) });
  const live = createLivePublisher(redisUrl, defaultLog({ component: 'chats-projections' }));
  return {
    handle: chatsProjections(db, live),
    close: async () => {
      await Promise.all([db.$disconnect(), live.close()]);
    },
  };
}

/** The tables these projections own (a rebuild replays what the outboxes kept over them). */
export const projectionTables = {
  schema: 'chats',
  tables: ['BlockProjection', 'AttachableMedia', 'ProjectionVersion'],
} as const;
