import { deliveryKey, type Identity, isUuid } from '@switchboard/core';
import DataLoader from 'dataloader';
import type { Media, PrismaClient } from './generated/prisma/client.ts';

export type MediaLoader = DataLoader<string, Media | null>;

/**
 * Loads the media the caller may read, by id; null for anything else, whether it exists or not
 * (never leak existence). One query for every id asked for in the same tick: the gateway sends
 * many representations (User.avatar, Message.attachments) in one `_entities` request.
 *
 * Readable: by its uploader; by members of a chat where it is attached (media's projections of
 * chats' events); by any signed-in user when it is someone's avatar. A live-event delivery
 * (identity.ts) reads what any signed-in user may, plus what members of its chat may.
 *
 * The attachment grant reaches media through the worker a moment after the message is stored,
 * while the message is already being delivered and read. Until then, members of a chat may read
 * media whose uploader is a member of that chat too (chats only accepts the uploader's own media
 * as an attachment). Media ids are random and only the uploader hands them out, so this lets a
 * chat see what its members shared, not browse their uploads.
 */
export function createMediaLoader(db: PrismaClient, identity: Identity): MediaLoader {
  const userId = identity.userId;
  const deliveryChat = deliveryKey(identity, 'chat');
  const deliveryChatId = deliveryChat && isUuid(deliveryChat) ? deliveryChat.toLowerCase() : null;
  const signedIn = userId !== null || identity.delivery !== undefined;
  return new DataLoader(async (keys: readonly string[]) => {
    const ids = keys.filter((id) => isUuid(id)).map((id) => id.toLowerCase());
    if (!signedIn || ids.length === 0) return keys.map(() => null);
    const rows = await db.$queryRaw<Media[]>`
      SELECT m.* FROM "media"."Media" m
      WHERE m.id = ANY(${ids}::uuid[]) AND (
        m."ownerId" = ${userId}::uuid
        OR EXISTS (SELECT 1 FROM "media"."AvatarGrant" a WHERE a."mediaId" = m.id)
        OR EXISTS (
          SELECT 1 FROM "media"."MediaGrant" g
          JOIN "media"."ChatMembership" c ON c."chatId" = g."chatId" AND c."userId" = ${userId}::uuid
          WHERE g."mediaId" = m.id)
        OR EXISTS (
          SELECT 1 FROM "media"."MediaGrant" g WHERE g."mediaId" = m.id AND g."chatId" = ${deliveryChatId}::uuid)
        OR EXISTS (
          SELECT 1 FROM "media"."ChatMembership" owner
          JOIN "media"."ChatMembership" reader ON reader."chatId" = owner."chatId"
          WHERE owner."userId" = m."ownerId"
            AND (reader."userId" = ${userId}::uuid OR reader."chatId" = ${deliveryChatId}::uuid))
      )`;
    const byId = new Map(rows.map((row) => [row.id, row]));
    return keys.map((id) => byId.get(id.toLowerCase()) ?? null);
  });
}
