import { applyIfNewer, projectChatMembership, type EventHandler } from '@switchboard/messaging';
import { pgAdapter } from '@switchboard/db';
import { PrismaClient } from '../generated/prisma/client.ts';

/**
 * presence's projections: chat membership and each chat's membership version (from chats), which
 * authorize and version typing, and whose last-seen time is hidden (from users), for presence
 * events.
 */
export function presenceProjections(db: PrismaClient): EventHandler {
  return async (event) => {
    if (event.type === 'LastSeenVisibilityChanged') {
      const { userId, visibility } = event.payload;
      await applyIfNewer(db, 'presence', `visibility:${userId}`, event.sequence, (tx) =>
        visibility === 'NOBODY'
          ? tx.hiddenLastSeen.upsert({ where: { userId }, create: { userId }, update: {} })
          : tx.hiddenLastSeen.deleteMany({ where: { userId } }),
      );
      return;
    }
    if (event.type === 'ChatMemberJoined' || event.type === 'ChatMemberLeft') {
      await projectChatMembership(db, 'presence', event);
      // Only ever forward: events of one chat may arrive out of order or twice.
      const { chatId, memberVersion } = event.payload;
      if (memberVersion !== undefined)
        await db.$executeRaw`
          INSERT INTO "presence"."ChatVersion" ("chatId", "memberVersion")
          VALUES (${chatId}::uuid, ${memberVersion})
          ON CONFLICT ("chatId") DO UPDATE
          SET "memberVersion" = GREATEST("ChatVersion"."memberVersion", EXCLUDED."memberVersion")`;
    }
  };
}

/** For the worker: the handler with its own connection to the presence schema. */
export function openPresenceProjections(databaseUrl: string) {
  const db = new PrismaClient({
    adapter: pgAdapter(databaseUrl, { subgraph: 'presence' }),
  });
  return { handle: presenceProjections(db), close: () => db.$disconnect() };
}

/** The tables these projections own (a rebuild replays what the outboxes kept over them). */
export const projectionTables = {
  schema: 'presence',
  tables: ['ChatMembership', 'ChatVersion', 'HiddenLastSeen', 'ProjectionVersion'],
} as const;
