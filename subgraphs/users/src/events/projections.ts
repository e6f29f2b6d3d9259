import { pgAdapter } from '@switchboard/db';
import type { EventHandler } from '@switchboard/messaging';
import { PrismaClient } from '../generated/prisma/client.ts';

/** users' projection of media's MediaCreated events: which media each user owns (for avatars). */
export function usersProjections(db: PrismaClient): EventHandler {
  return async (event) => {
    if (event.type !== 'MediaCreated') return;
    const { mediaId, ownerId } = event.payload;
    await db.ownedMedia.upsert({ where: { mediaId }, create: { mediaId, ownerId }, update: {} });
  };
}

/** For the worker: the handler with its own connection to the users schema. */
export function openUsersProjections(databaseUrl: string) {
  const db = new PrismaClient({ adapter: pgAdapter(databaseUrl, { subgraph: 'users' }) });
  return { handle: usersProjections(db), close: () => db.$disconnect() };
}

/** The tables these projections own (a rebuild replays what the outboxes kept over them). */
export const projectionTables = { schema: 'users', tables: ['OwnedMedia'] } as const;
