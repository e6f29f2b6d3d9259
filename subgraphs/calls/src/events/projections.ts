import { pgAdapter } from '@switchboard/db';
import {
  applyIfNewer,
  createLivePublisher,
  type EventHandler,
  type LivePublisher,
} from '@switchboard/messaging';
import { defaultLog } from '@switchboard/observability';
import { endByServer } from '../callEnds.ts';
import { PrismaClient } from '../generated/prisma/client.ts';
import type { CallInbox } from '../inbox.ts';

/**
 * calls' projections of other subgraphs' events: who is in which direct chat (chats) and who
 * blocked whom (users), so startCall decides alone who may call whom (architecture.md, principle 1).
 * A block also ends the pair's call in progress: its participants lost the right to it (FAILED).
 */
export function callsProjections(db: PrismaClient, live: LivePublisher, inbox: CallInbox): EventHandler {
  return async (event) => {
    switch (event.type) {
      case 'DirectChatCreated': {
        const { chatId, userIds } = event.payload;
        const [userA, userB] = userIds;
        // A direct chat's members never change: the first delivery is all there is to apply.
        await db.directChat.upsert({ where: { chatId }, create: { chatId, userA, userB }, update: {} });
        return;
      }
      case 'UserBlocked':
      case 'UserUnblocked': {
        const { blockerId, blockedId } = event.payload;
        await applyIfNewer(db, 'calls', `block:${blockerId}:${blockedId}`, event.sequence, (tx) =>
          event.type === 'UserBlocked'
            ? tx.blockProjection.upsert({
                where: { blockerId_blockedId: { blockerId, blockedId } },
                create: { blockerId, blockedId },
                update: {},
              })
            : tx.blockProjection.deleteMany({ where: { blockerId, blockedId } }),
        );
        // Only a block that holds now (a stale event applied nothing).
        const holds = await db.blockProjection.findUnique({
          where: { blockerId_blockedId: { blockerId, blockedId } },
        });
        if (!holds) return;
        const calls = await db.call.findMany({
          where: {
            state: { in: ['RINGING', 'ACTIVE'] },
            OR: [
              { callerId: blockerId, calleeId: blockedId },
              { callerId: blockedId, calleeId: blockerId },
            ],
          },
          select: { id: true },
        });
        for (const call of calls)
          await endByServer(db, live, inbox, call.id, 'FAILED', ['RINGING', 'ACTIVE']);
        return;
      }
      default:
        return;
    }
  };
}

/**
 * For the worker: the handler with its own connection to the calls schema and live events, and
 * the worker's client of chats' inboxes (a call a block ends is ENDED on every device).
 */
export function openCallsProjections(databaseUrl: string, redisUrl: string, inbox: CallInbox) {
  const db = new PrismaClient({ adapter: pgAdapter(databaseUrl, { subgraph: 'calls' }) });
  const live = createLivePublisher(redisUrl, defaultLog({ component: 'calls-projections' }));
  return {
    handle: callsProjections(db, live, inbox),
    close: async () => {
      await Promise.all([db.$disconnect(), live.close()]);
    },
  };
}

/** The tables these projections own (a rebuild replays what the outboxes kept over them). */
export const projectionTables = {
  schema: 'calls',
  tables: ['DirectChat', 'BlockProjection', 'ProjectionVersion'],
} as const;
