import { transaction, type Tx } from './db.ts';
import type { PrismaClient } from './generated/prisma/client.ts';

/**
 * chats' projection of users' active devices (docs/devices-and-inbox.md): users applies each
 * device signed in or revoked over gRPC (chatsService.ts) before its mutation answers, so every
 * write from then on reaches exactly the devices active at that moment. Idempotent both ways: a
 * retried call changes nothing.
 */
export async function applyDevice(
  db: PrismaClient,
  device: { userId: string; deviceId: string },
  active: boolean,
): Promise<void> {
  if (active) {
    await db.deviceProjection.createMany({ data: [device], skipDuplicates: true });
    return;
  }
  await transaction(db, async (tx) => {
    await tx.deviceProjection.deleteMany({ where: { deviceId: device.deviceId } });
    await dropInbox(tx, device.deviceId);
  });
}

/** A revoked device's inbox is dropped with it: nothing will ever read it. */
export async function dropInbox(tx: Tx, deviceId: string): Promise<void> {
  await tx.inboxEntry.deleteMany({ where: { deviceId } });
  await tx.inboxHead.deleteMany({ where: { deviceId } });
}
