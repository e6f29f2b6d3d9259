import { isUuid } from '@switchboard/core';
import DataLoader from 'dataloader';
import type { Prisma, PrismaClient } from './generated/prisma/client.ts';

/** The columns any signed-in user may see of another; never the password hash. */
export const publicUserSelect = {
  id: true,
  username: true,
  displayName: true,
  about: true,
  lastSeenVisibility: true,
  avatarId: true,
} as const satisfies Prisma.UserSelect;

export type PublicUser = Prisma.UserGetPayload<{ select: typeof publicUserSelect }>;

export type UserLoader = DataLoader<string, PublicUser | null>;

/**
 * Loads users by id, one query for all the ids asked for in the same tick: the gateway sends
 * many representations in one `_entities` request. Created per request, so its cache never
 * outlives the request.
 */
export function createUserLoader(db: PrismaClient): UserLoader {
  return new DataLoader(async (ids: readonly string[]) => {
    const valid = ids.filter(isUuid);
    const rows = valid.length
      ? await db.user.findMany({ where: { id: { in: valid } }, select: publicUserSelect })
      : [];
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id.toLowerCase()) ?? null);
  });
}
