import { deliveryKey, type Identity, asUuid } from '@switchboard/core';
import DataLoader from 'dataloader';
import type { Chat, ChatMember, Message, PrismaClient, Reaction } from './generated/prisma/client.ts';

/**
 * Why the caller may read a chat, with the chat itself: their membership, or (`member` null) a
 * live-event delivery scoped to that chat, which reads it as any member would.
 */
export interface Membership {
  member: ChatMember | null;
  chat: Chat;
}

/** A membership and its chat, as one row; a direct chat's members as JSON. */
type MembershipRow = ChatMember &
  Omit<Chat, 'id'> & { id: string; members: (Omit<ChatMember, 'joinedAt'> & { joinedAt: string })[] | null };

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const group = groups.get(key(row));
    if (group) group.push(row);
    else groups.set(key(row), [row]);
  }
  return groups;
}

/**
 * Per-request batching and caching (one query per kind per tick, not one per field: no N+1).
 * Keys are lower-case UUIDs, as Postgres returns them. Mutations clear them (resolvers.ts) so
 * the fields of a mutation's result see what it just wrote.
 */
export function createLoaders(db: PrismaClient, identity: Identity) {
  const { userId } = identity;
  // A delivery reads one chat, and nothing when it is scoped to none.
  const deliveryChat = userId ? null : deliveryKey(identity, 'chat');
  const deliveryChatId = deliveryChat ? asUuid(deliveryChat) : null;
  const loaders = {
    /**
     * The caller's membership (or delivery scope); null for a chat they may not read and for one
     * that does not exist.
     */
    membership: new DataLoader<string, Membership | null>(async (chatIds) => {
      if (!userId) {
        const chat =
          deliveryChatId && chatIds.includes(deliveryChatId)
            ? await db.chat.findUnique({ where: { id: deliveryChatId } })
            : null;
        return chatIds.map((id) => (chat && id === chat.id ? { member: null, chat } : null));
      }
      // One statement: Prisma's `include` runs a second query for the chat, and every chat-scoped
      // read (a history page, an access check) starts here. A direct chat's two members come
      // along for `members` (messages' status), which would otherwise be a query of its own.
      const rows = await db.$queryRaw<MembershipRow[]>`
        SELECT cm."chatId"::text AS "chatId", cm."userId"::text AS "userId", cm."role"::text AS "role",
               cm."deliveredSeq", cm."readSeq", cm."joinedAt",
               c."id"::text AS "id", c."kind"::text AS "kind", c."title", c."directKey", c."lastSeq",
               c."memberVersion", c."lastMessageAt", c."createdAt",
               CASE WHEN c."kind" = 'DIRECT' THEN (
                 SELECT json_agg(json_build_object('chatId', o."chatId", 'userId', o."userId",
                   'role', o."role", 'deliveredSeq', o."deliveredSeq", 'readSeq', o."readSeq",
                   'joinedAt', o."joinedAt") ORDER BY o."joinedAt", o."userId")
                 FROM "chats"."ChatMember" o WHERE o."chatId" = c."id") END AS "members"
        FROM "chats"."ChatMember" cm
        JOIN "chats"."Chat" c ON c."id" = cm."chatId"
        WHERE cm."userId" = ${userId}::uuid AND cm."chatId" = ANY(${[...chatIds]}::uuid[])`;
      const byChat = new Map<string, Membership>();
      for (const {
        id,
        kind,
        title,
        directKey,
        lastSeq,
        memberVersion,
        lastMessageAt,
        createdAt,
        members,
        ...member
      } of rows) {
        byChat.set(member.chatId, {
          member,
          chat: { id, kind, title, directKey, lastSeq, memberVersion, lastMessageAt, createdAt },
        });
        if (members)
          loaders.members.prime(
            member.chatId,
            members.map((other) => ({ ...other, joinedAt: new Date(other.joinedAt) })),
          );
      }
      return chatIds.map((id) => byChat.get(id) ?? null);
    }),

    /** Every current member of a chat, longest-standing first. */
    members: new DataLoader<string, ChatMember[]>(async (chatIds) => {
      const rows = await db.chatMember.findMany({
        where: { chatId: { in: [...chatIds] } },
        orderBy: [{ joinedAt: 'asc' }, { userId: 'asc' }],
      });
      const byChat = groupBy(rows, (row) => row.chatId);
      return chatIds.map((id) => byChat.get(id) ?? []);
    }),

    /** A chat by id, with no access check: for what was authorized otherwise (an inbox entry). */
    chat: new DataLoader<string, Chat | null>(async (ids) => {
      const rows = await db.chat.findMany({ where: { id: { in: [...ids] } } });
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id) ?? null);
    }),

    message: new DataLoader<string, Message | null>(async (ids) => {
      const rows = await db.message.findMany({ where: { id: { in: [...ids] } } });
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id) ?? null);
    }),

    /** A chat's message by seq (the chat list's last messages). */
    messageAt: new DataLoader<{ chatId: string; seq: number }, Message | null, string>(
      async (keys) => {
        const rows = await db.message.findMany({
          where: { OR: keys.map(({ chatId, seq }) => ({ chatId, seq })) },
        });
        const byKey = new Map(rows.map((row) => [`${row.chatId}:${row.seq}`, row]));
        return keys.map(({ chatId, seq }) => byKey.get(`${chatId}:${seq}`) ?? null);
      },
      { cacheKeyFn: ({ chatId, seq }) => `${chatId}:${seq}` },
    ),

    reactions: new DataLoader<string, Reaction[]>(async (messageIds) => {
      const rows = await db.reaction.findMany({
        where: { messageId: { in: [...messageIds] } },
        orderBy: { createdAt: 'asc' },
      });
      const byMessage = groupBy(rows, (row) => row.messageId);
      return messageIds.map((id) => byMessage.get(id) ?? []);
    }),

    /**
     * The caller's unread count per chat: others' messages above the caller's read mark. Deleted
     * messages do not count: there is nothing left in them to read.
     */
    unreadCount: new DataLoader<string, number>(async (chatIds) => {
      if (!userId) return chatIds.map(() => 0);
      const rows = await db.$queryRaw<{ chatId: string; count: number }[]>`
        SELECT m."chatId"::text AS "chatId", count(*)::int AS "count"
        FROM "chats"."Message" m
        JOIN "chats"."ChatMember" cm ON cm."chatId" = m."chatId" AND cm."userId" = ${userId}::uuid
        WHERE m."chatId" = ANY(${[...chatIds]}::uuid[])
          AND m."seq" > cm."readSeq"
          AND m."senderId" <> ${userId}::uuid
          AND m."deletedAt" IS NULL
        GROUP BY m."chatId"`;
      const byChat = new Map(rows.map((row) => [row.chatId, row.count]));
      return chatIds.map((id) => byChat.get(id) ?? 0);
    }),
  };
  return {
    ...loaders,
    /** Forgets everything loaded so far (after a write). */
    clear() {
      for (const loader of Object.values(loaders)) loader.clearAll();
    },
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
