import { applyIfNewer, projectChatMembership, type EventHandler } from '@switchboard/messaging';
import { pgAdapter } from '@switchboard/db';
import { PrismaClient } from '../generated/prisma/client.ts';

/**
 * presence's projections: chat membership (from chats), which authorizes typing, and whose
 * last-seen time is hidden (from users), for presence events.
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
    if (event.type === 'ChatMemberJoined' || event.type === 'ChatMemberLeft')
      await projectChatMembership(db, 'presence', event);
  };
}

/** For the worker: the handler with its own connection to the presence schema. */
export function openPresenceProjections(databaseUrl: string) {
  const db = new PrismaClient({
    adapter: pgAdapter(databaseUrl, { subgraph: 'presence', maxConnections: 4 }),
  });
  return { handle: presenceProjections(db), close: () => db.$disconnect() };
}

/** The tables these projections own (a rebuild replays what the outboxes kept over them). */
export const projectionTables = {
  schema: 'presence',
  tables: ['ChatMembership', 'HiddenLastSeen', 'ProjectionVersion'],
} as const;
