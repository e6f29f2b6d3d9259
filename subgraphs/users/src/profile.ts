import { badInput, unauthenticated } from '@switchboard/core';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import type { UsersContext } from './createServer.ts';
import { Prisma, type LastSeenVisibility } from './generated/prisma/client.ts';
import { charLength, isUuid, isValidUsername, normalizeUsername, parseDisplayName } from './input.ts';
import { requireUser } from './requireUser.ts';
import { publicUserSelect, type PublicUser } from './userLoader.ts';

interface UpdateProfileInput {
  displayName?: string | null;
  about?: string | null;
  avatarId?: string | null;
  lastSeenVisibility?: LastSeenVisibility | null;
}

const MAX_ABOUT = 500;

function me(_: unknown, __: unknown, context: UsersContext) {
  const { userId } = context.identity;
  return userId ? context.users.load(userId) : null;
}

function userByUsername(_: unknown, { username }: { username: string }, context: UsersContext) {
  requireUser(context);
  const normalized = normalizeUsername(username);
  if (!isValidUsername(normalized)) return null;
  return context.db.user.findUnique({ where: { username: normalized }, select: publicUserSelect });
}

/**
 * A field left out (or, for the required columns, null) stays as it is; `about: null` or an
 * empty `about` clears it, and `avatarId: null` removes the avatar.
 */
function profileChanges(input: UpdateProfileInput): Prisma.UserUpdateInput {
  const data: Prisma.UserUpdateInput = {};
  if (input.displayName != null) data.displayName = parseDisplayName(input.displayName);
  if (input.lastSeenVisibility != null) data.lastSeenVisibility = input.lastSeenVisibility;
  if (input.about !== undefined) {
    const about = input.about?.trim() ?? '';
    if (charLength(about) > MAX_ABOUT)
      throw badInput(`About must be at most ${MAX_ABOUT} characters`, 'about');
    data.about = about === '' ? null : about;
  }
  if (input.avatarId !== undefined) {
    if (input.avatarId !== null && !isUuid(input.avatarId))
      throw badInput('avatarId is not a media id', 'avatarId');
    // TODO(media issue): accept only media the caller owns (users-projections of MediaCreated) and
    // record UserAvatarChanged in the same transaction. Until then any well-formed id is stored.
    data.avatarId = input.avatarId?.toLowerCase() ?? null;
  }
  return data;
}

async function updateProfile(_: unknown, { input }: { input: UpdateProfileInput }, context: UsersContext) {
  const userId = requireUser(context);
  const data = profileChanges(input);
  const user = await context.db.user
    .update({ where: { id: userId }, data, select: publicUserSelect })
    .catch((error: unknown) => {
      // A valid token whose account is gone.
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2025')
        throw unauthenticated();
      throw error;
    });
  context.users.clear(userId).prime(userId, user);
  return user;
}

export const profileResolvers: GraphQLResolverMap<UsersContext> = {
  Query: { me, userByUsername },
  Mutation: { updateProfile },
  User: {
    // Any signed-in user may see another's public profile; the gateway batches references.
    __resolveReference(reference: { id: string }, context: UsersContext) {
      if (!context.identity.userId) throw unauthenticated();
      return context.users.load(reference.id);
    },
    avatar(user: PublicUser) {
      return user.avatarId ? { __typename: 'Media', id: user.avatarId } : null;
    },
  },
};
