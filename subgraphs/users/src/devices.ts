import { asUuid, forbidden, notFound } from '@switchboard/core';
import { announceDeviceRevoked } from '@switchboard/messaging';
import { defaultLogger } from '@switchboard/observability';
import { rpcFailure } from '@switchboard/rpc';
import type { MutationRevokeDeviceArgs, Resolvers } from './__generated__/resolvers-types.ts';
import type { UsersContext } from './context.ts';
import type { Device, Prisma } from './generated/prisma/client.ts';
import { requireUser } from './requireUser.ts';
import type { PublicUser } from './userLoader.ts';

/**
 * Devices (docs/devices-and-inbox.md): every user token speaks for one, created by signUp or
 * signIn, until it is revoked. chats keeps a projection of the active ones (its inbox fans out to
 * them), told over gRPC before any of these mutations answers.
 */

/** Tells chats of a device signed in or revoked; SERVICE_UNAVAILABLE when it cannot be told. */
async function tellChats(context: UsersContext, device: Device, active: boolean): Promise<void> {
  try {
    await context.chats.applyDevice({ userId: device.userId, deviceId: device.id, active });
  } catch (error) {
    throw rpcFailure('chats', error);
  }
}

/**
 * Runs `work`, which creates a device (and on signUp its user), in one transaction that tells chats
 * of the device before it commits: when chats cannot be told nothing is kept (SERVICE_UNAVAILABLE),
 * so there is never a device, or a user, that chats does not know of. Should the commit itself fail
 * after chats took the device, chats is told to drop it again.
 */
export async function withNewDevice<T extends { device: Device }>(
  context: UsersContext,
  work: (tx: Prisma.TransactionClient) => Promise<T>,
): Promise<T> {
  const told: Device[] = [];
  try {
    return await context.db.$transaction(async (tx) => {
      const result = await work(tx);
      await tellChats(context, result.device, true);
      told.push(result.device);
      return result;
    });
  } catch (error) {
    for (const device of told)
      await tellChats(context, device, false).catch((undo: unknown) =>
        defaultLogger().warn(
          { err: undo, service: 'users', deviceId: device.id },
          'chats keeps a device whose sign-in did not commit',
        ),
      );
    throw error;
  }
}

/** Within `withNewDevice`'s transaction. */
export const createDevice = (tx: Prisma.TransactionClient, userId: string, name: string) =>
  tx.device.create({ data: { userId, name } });

/**
 * One transaction: the device marked revoked, its push subscriptions and unclaimed one-time
 * prekeys deleted, and chats told (it drops the device's inbox) before the commit, so when chats
 * cannot be told nothing changes (SERVICE_UNAVAILABLE). After the commit every gateway hears of it
 * on the live bus, refuses the device's token and closes its sockets. Revoking a revoked device
 * changes nothing but announces it again.
 */
async function revokeDevice(_: unknown, { deviceId }: MutationRevokeDeviceArgs, context: UsersContext) {
  const userId = requireUser(context);
  const id = asUuid(deviceId);
  if (!id) throw notFound('Device');
  const device = await context.db.$transaction(async (tx) => {
    // The update takes the row's lock: a concurrent revocation of the same device waits, then
    // finds it revoked.
    const { count } = await tx.device.updateMany({
      where: { id, userId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    const device = await tx.device.findFirst({ where: { id, userId } });
    if (!device) throw notFound('Device');
    if (count > 0) {
      await tx.pushSubscription.deleteMany({ where: { deviceId: id } });
      await tx.oneTimePreKey.deleteMany({ where: { deviceId: id } });
      await tellChats(context, device, false);
    }
    return device;
  });
  if (context.live) await announceDeviceRevoked(context.live, userId, id);
  return device;
}

export const deviceResolvers: Resolvers = {
  Mutation: { revokeDevice },
  User: {
    devices(user: PublicUser, _: unknown, context: UsersContext) {
      if (user.id !== context.identity.userId) throw forbidden('Only a user may see their own devices');
      return context.db.device.findMany({
        where: { userId: user.id, revokedAt: null },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      });
    },
  },
  Device: {
    current: (device, _, context) => device.id === context.identity.deviceId,
  },
};
