import { badInput, forbidden } from '@switchboard/core';
import type { ChatsContext } from './context.ts';
import {
  decodeCursor,
  encodeCursor,
  entriesAfter,
  requireDevice,
  requireInboxReader,
  resyncRequired,
  type InboxEvent,
} from './inbox.ts';

/**
 * The inbox's fields (docs/devices-and-inbox.md). The gateway serves `inbox` from the directives in
 * schema.graphql and these gateway-only queries; `ackInbox` is the client's.
 */

async function headOf(ctx: ChatsContext, deviceId: string) {
  return (
    (await ctx.db.inboxHead.findUnique({ where: { deviceId } })) ?? { pos: 0, prunedPos: 0, ackedPos: 0 }
  );
}

/**
 * Where the caller's device resumes: after its cursor, or from its newest entry. A cursor of
 * another device, of a position it never had, or older than what is kept is RESYNC_REQUIRED.
 */
async function inboxAccess(_: unknown, args: { after?: string | null }, ctx: ChatsContext) {
  const deviceId = requireDevice(ctx);
  const head = await headOf(ctx, deviceId);
  if (args.after == null) return [{ key: deviceId, after: head.pos }];
  const cursor = decodeCursor(args.after);
  if (!cursor || cursor.deviceId !== deviceId)
    throw resyncRequired('This cursor is not one of this device: re-read, then subscribe from now');
  if (cursor.pos > head.pos || cursor.pos < head.prunedPos)
    throw resyncRequired('This cursor is older than what is kept: re-read, then subscribe from now');
  return [{ key: deviceId, after: cursor.pos }];
}

async function inboxAfter(
  _: unknown,
  args: { device: string; after: number; first: number },
  ctx: ChatsContext,
) {
  const deviceId = requireInboxReader(ctx, args.device);
  if (args.after < 0) throw badInput('after must be at least 0', 'after');
  return entriesAfter(ctx, deviceId, args.after, args.first);
}

function inboxCaughtUp(
  _: unknown,
  args: { device: string; after: number; backlog: number },
  ctx: ChatsContext,
) {
  const deviceId = requireInboxReader(ctx, args.device);
  return {
    cursor: encodeCursor(deviceId, args.after),
    pos: args.after,
    event: { __typename: 'CaughtUp', backlog: args.backlog } satisfies InboxEvent,
  };
}

/** Moves the device's acknowledged position forward to the cursor, never back nor past its head. */
async function ackInbox(_: unknown, args: { cursor: string }, ctx: ChatsContext): Promise<boolean> {
  const deviceId = requireDevice(ctx);
  const cursor = decodeCursor(args.cursor);
  if (!cursor) throw badInput('cursor is not an inbox cursor', 'cursor');
  if (cursor.deviceId !== deviceId) throw forbidden('This cursor is not one of this device');
  await ctx.db.$executeRaw`
    UPDATE "chats"."InboxHead" SET "ackedPos" = GREATEST("ackedPos", LEAST(${cursor.pos}, "pos"))
    WHERE "deviceId" = ${deviceId}::uuid`;
  return true;
}

/** The entry a live "look" names, read from the store (events carry no content of their own). */
async function inboxPayload(ctx: ChatsContext) {
  const event = (typeof ctx.liveEvent === 'object' ? ctx.liveEvent : null) as Record<string, unknown> | null;
  const deviceId = typeof event?.['deviceId'] === 'string' ? event['deviceId'] : null;
  const pos = event?.['pos'];
  if (event?.['type'] !== 'inbox' || !deviceId || typeof pos !== 'number')
    throw badInput('extensions.liveEvent must be an inbox event', 'extensions.liveEvent');
  requireInboxReader(ctx, deviceId);
  const [entry] = await entriesAfter(ctx, deviceId, pos - 1, 1);
  if (!entry || entry.pos !== pos) throw badInput('No such inbox entry', 'extensions.liveEvent');
  return entry;
}

const servedByGateway = () => {
  throw forbidden('Subscriptions are served by the gateway');
};

export const inboxResolvers = {
  Query: { _inboxAccess: inboxAccess, _inboxAfter: inboxAfter, _inboxCaughtUp: inboxCaughtUp },
  Mutation: { ackInbox },
  Subscription: {
    inbox: {
      subscribe: servedByGateway,
      resolve: (_: unknown, __: unknown, ctx: ChatsContext) => inboxPayload(ctx),
    },
  },
  InboxEvent: {
    __resolveType: (event: { __typename?: InboxEvent['__typename'] }) => event.__typename!,
  },
};
