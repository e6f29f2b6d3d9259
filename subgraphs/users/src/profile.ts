import { badInput, isSignedIn, recordEvent, unauthenticated, isUuid } from '@switchboard/core';
import { announceEntityChanged } from '@switchboard/messaging';
import type {
  MutationUpdateProfileArgs,
  QueryUserByUsernameArgs,
  Resolvers,
  UpdateProfileInput,
} from './__generated__/resolvers-types.ts';
import type { UsersContext } from './context.ts';
import type { Prisma } from './generated/prisma/client.ts';
import { charLength, isValidUsername, normalizeUsername, parseDisplayName } from './input.ts';
import { requireUser } from './requireUser.ts';
import { publicUserSelect, type PublicUser } from './userLoader.ts';

const MAX_ABOUT = 500;

function me(_: unknown, __: unknown, context: UsersContext) {
  const { userId } = context.identity;
  return userId ? context.users.load(userId) : null;
}

function userByUsername(_: unknown, { username }: QueryUserByUsernameArgs, context: UsersContext) {
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
    data.avatarId = input.avatarId?.toLowerCase() ?? null;
  }
  return data;
}

/**
 * One transaction: the change, and the events that announce what changed (media lets everyone
 * read the new avatar; presence hides or shows lastSeenAt in presence events).
 */
async function updateProfile(_: unknown, { input }: MutationUpdateProfileArgs, context: UsersContext) {
  const userId = requireUser(context);
  const data = profileChanges(input);
  const user = await context.db.$transaction(async (tx) => {
    const before = await tx.user.findUnique({
      where: { id: userId },
      select: { avatarId: true, lastSeenVisibility: true, displayName: true, about: true },
    });
    // A valid token whose account is gone.
    if (!before) throw unauthenticated();
    const avatarId = data.avatarId as string | null | undefined;
    if (avatarId) {
      // Only one's own upload (users' projection of media's MediaCreated events).
      const owned = await tx.ownedMedia.findFirst({ where: { mediaId: avatarId, ownerId: userId } });
      if (!owned) throw badInput('avatarId must be media you uploaded', 'avatarId');
    }
    const after = await tx.user.update({ where: { id: userId }, data, select: publicUserSelect });
    if (avatarId !== undefined && avatarId !== before.avatarId)
      await recordEvent(tx, 'UserAvatarChanged', { userId, mediaId: avatarId });
    if (after.lastSeenVisibility !== before.lastSeenVisibility)
      await recordEvent(tx, 'LastSeenVisibilityChanged', { userId, visibility: after.lastSeenVisibility });
    if (after.displayName !== before.displayName || after.about !== before.about)
      await recordEvent(tx, 'UserProfileChanged', { userId });
    return after;
  });
  context.users.clear(userId).prime(userId, user);
  // The gateways' entity caches drop this user now; the events above heal a lost announcement.
  if (context.live) await announceEntityChanged(context.live, 'User', userId);
  return user;
}

export const profileResolvers: Resolvers = {
  Query: { me, userByUsername },
  Mutation: { updateProfile },
  User: {
    // Any signed-in user (or a live-event delivery) may see a public profile; references are batched.
    __resolveReference(reference: { id: string }, context: UsersContext) {
      if (!isSignedIn(context.identity)) throw unauthenticated();
      return context.users.load(reference.id);
    },
    avatar(user: PublicUser) {
      return user.avatarId ? { __typename: 'Media', id: user.avatarId } : null;
    },
  },
};
