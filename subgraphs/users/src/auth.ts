import { badInput, signUserToken, unauthenticated } from '@switchboard/core';
import type { MutationSignInArgs, MutationSignUpArgs, Resolvers } from './__generated__/resolvers-types.ts';
import type { UsersContext } from './context.ts';
import { createDevice, withNewDevice } from './devices.ts';
import { Prisma, type Device } from './generated/prisma/client.ts';
import {
  charLength,
  isValidUsername,
  normalizeUsername,
  parseDeviceName,
  parseDisplayName,
} from './input.ts';
import { dummyPasswordHash, hashPassword, verifyPassword } from './passwords.ts';
import { publicUserSelect, type PublicUser } from './userLoader.ts';

const MIN_PASSWORD = 8;
const MAX_PASSWORD = 256;

// One message for an unknown user and a wrong password: sign-in must not reveal which usernames exist.
const BAD_CREDENTIALS = 'Wrong username or password';

/** The token speaks for the device signUp or signIn created (its `did`). */
async function authPayload({ user, device }: { user: PublicUser; device: Device }, context: UsersContext) {
  const token = await signUserToken(
    { userId: user.id, deviceId: device.id },
    context.config.jwtSecret,
    context.config.tokenTtlSeconds,
  );
  return { token, user, device };
}

async function signUp(_: unknown, { input }: MutationSignUpArgs, context: UsersContext) {
  const username = normalizeUsername(input.username);
  if (!isValidUsername(username))
    throw badInput('Username must be 3-32 characters of a-z, 0-9 and _', 'username');
  const passwordLength = charLength(input.password);
  if (passwordLength < MIN_PASSWORD || passwordLength > MAX_PASSWORD)
    throw badInput(`Password must be ${MIN_PASSWORD}-${MAX_PASSWORD} characters`, 'password');
  const displayName = parseDisplayName(input.displayName);
  const deviceName = parseDeviceName(input.deviceName);

  const passwordHash = await hashPassword(input.password);
  try {
    // The unique index decides between two concurrent sign-ups of one name; no check-then-insert
    // race. The user and its first device commit together, once chats knows of the device.
    const created = await withNewDevice(context, async (tx) => {
      const user = await tx.user.create({
        data: { username, displayName, passwordHash },
        select: publicUserSelect,
      });
      return { user, device: await createDevice(tx, user.id, deviceName) };
    });
    return authPayload(created, context);
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002')
      throw badInput('Username is taken', 'username');
    throw error;
  }
}

async function signIn(_: unknown, { input }: MutationSignInArgs, context: UsersContext) {
  const username = normalizeUsername(input.username);
  const deviceName = parseDeviceName(input.deviceName);
  const user = isValidUsername(username)
    ? await context.db.user.findUnique({
        where: { username },
        select: { ...publicUserSelect, passwordHash: true },
      })
    : null;
  // Hash even when there is no such user (or the password is too long to be one), so the
  // response time does not tell an unknown username from a wrong password.
  const tooLong = charLength(input.password) > MAX_PASSWORD;
  const matches = await verifyPassword(
    tooLong ? '' : input.password,
    user?.passwordHash ?? (await dummyPasswordHash()),
  );
  if (!user || tooLong || !matches) throw unauthenticated(BAD_CREDENTIALS);
  const { passwordHash: _hash, ...publicUser } = user;
  const { device } = await withNewDevice(context, async (tx) => ({
    device: await createDevice(tx, publicUser.id, deviceName),
  }));
  return authPayload({ user: publicUser, device }, context);
}

export const authResolvers: Resolvers = {
  Mutation: { signUp, signIn },
};
