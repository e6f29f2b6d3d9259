import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  badInput,
  deliveryKey,
  forbidden,
  notFound,
  unauthenticated,
  type Identity,
  type TrustedKeys,
} from '@switchboard/core';
import { createLivePublisher, liveChannel, type LiveEvent } from '@switchboard/messaging';
import { createSubgraphServer } from '@switchboard/subgraph';
import { parse } from 'graphql';

interface Note {
  boardId: string;
  seq: number;
  text: string;
  author: { __typename: 'User'; id: string };
}

interface FeedItem {
  cursor: string;
  pos: number;
  text: string;
  backlog: number | null;
}

interface BoardsContext {
  identity: Identity;
  liveEvent: unknown;
}

export const boardsTypeDefs = readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8');

/** A feed cursor: opaque to clients and to the gateway; it names the device and the position. */
const feedCursor = (device: string, pos: number) => Buffer.from(`${device}:${pos}`).toString('base64url');

/**
 * The test-only boards subgraph: boards and device feeds kept in memory, live events published as
 * any subgraph does (after the change, on the channels its @live directives name). `lose(n)` drops
 * the next n live events, as a Redis hiccup would.
 */
export async function createBoards(options: { redisUrl: string; trustedKeys: TrustedKeys }) {
  const boards = new Map<string, { members: Set<string>; notes: Note[] }>();
  const feeds = new Map<string, FeedItem[]>();
  const live = createLivePublisher(options.redisUrl);
  let toLose = 0;
  const publish = async (channel: string, event: object) => {
    if (toLose > 0) {
      toLose -= 1;
      return;
    }
    await live.publish(channel, event as LiveEvent);
  };
  const requireUser = (ctx: BoardsContext) => {
    if (!ctx.identity.userId) throw unauthenticated();
    return ctx.identity.userId;
  };
  /** A member's board, or a delivery for the board's channel; NOT_FOUND for anyone else. */
  const readable = (ctx: BoardsContext, boardId: string) => {
    const board = boards.get(boardId);
    const userId = ctx.identity.userId;
    const follower = ctx.identity.delivery?.channel === `board:${boardId}`;
    if (!board || !(follower || (userId && board.members.has(userId)))) throw notFound('Board');
    return board;
  };
  const requireDevice = (ctx: BoardsContext) => {
    requireUser(ctx);
    if (!ctx.identity.deviceId) throw unauthenticated();
    return ctx.identity.deviceId;
  };
  /** A device's feed, for that device or a delivery on its channel. */
  const feedOf = (ctx: BoardsContext, device: string) => {
    if (ctx.identity.deviceId !== device && deliveryKey(ctx.identity, 'feed') !== device)
      throw notFound('Feed');
    return feeds.get(device) ?? [];
  };

  const server = await createSubgraphServer<BoardsContext>({
    name: 'boards',
    typeDefs: parse(boardsTypeDefs),
    trustedKeys: options.trustedKeys,
    development: true,
    context: (identity, liveEvent) => ({ identity, liveEvent }),
    dispose: () => live.close(),
    resolvers: {
      Query: {
        _boardAccess: (_: unknown, args: { boardId?: string | null }, ctx: BoardsContext) => {
          const userId = requireUser(ctx);
          if (args.boardId != null) return [(readable(ctx, args.boardId), args.boardId)];
          return [...boards].filter(([, board]) => board.members.has(userId)).map(([id]) => id);
        },
        _notesAfter: (
          _: unknown,
          args: { boardId: string; afterSeq: number; first: number },
          ctx: BoardsContext,
        ) =>
          readable(ctx, args.boardId)
            .notes.filter((note) => note.seq > args.afterSeq)
            .slice(0, args.first),
        _feedAccess: (_: unknown, args: { after?: string | null }, ctx: BoardsContext) => {
          const device = requireDevice(ctx);
          if (args.after == null) return [{ key: device, after: feedOf(ctx, device).length }];
          const [of, pos] = Buffer.from(args.after, 'base64url').toString().split(':');
          if (of !== device || !Number.isInteger(Number(pos))) throw badInput('Not a cursor of this device');
          return [{ key: device, after: Number(pos) }];
        },
        _feedAfter: (
          _: unknown,
          args: { device: string; after: number; first: number },
          ctx: BoardsContext,
        ) => feedOf(ctx, args.device).slice(args.after, args.after + args.first),
        _feedCaughtUp: (
          _: unknown,
          args: { device: string; after: number; backlog: number },
          ctx: BoardsContext,
        ): FeedItem => {
          feedOf(ctx, args.device);
          return {
            cursor: feedCursor(args.device, args.after),
            pos: args.after,
            text: 'caught up',
            backlog: args.backlog,
          };
        },
      },
      Mutation: {
        createBoard: (_: unknown, args: { memberIds: string[] }, ctx: BoardsContext) => {
          const id = randomUUID();
          const members = new Set([requireUser(ctx), ...args.memberIds]);
          boards.set(id, { members, notes: [] });
          return id;
        },
        postNote: async (_: unknown, args: { boardId: string; text: string }, ctx: BoardsContext) => {
          const userId = requireUser(ctx);
          const board = readable(ctx, args.boardId);
          const note: Note = {
            boardId: args.boardId,
            seq: board.notes.length + 1,
            text: args.text,
            author: { __typename: 'User', id: userId },
          };
          board.notes.push(note);
          await publish(`board:${args.boardId}`, {
            type: 'notePosted',
            boardId: args.boardId,
            seq: note.seq,
            data: { __typename: 'Note', ...note },
          });
          return note;
        },
        removeFromBoard: async (
          _: unknown,
          args: { boardId: string; userId: string },
          ctx: BoardsContext,
        ) => {
          readable(ctx, args.boardId).members.delete(args.userId);
          await publish(liveChannel.user(args.userId), {
            type: 'liveAccess',
            channel: `board:${args.boardId}`,
            granted: false,
          });
          return true;
        },
        addToBoard: async (_: unknown, args: { boardId: string; userId: string }, ctx: BoardsContext) => {
          const board = readable(ctx, args.boardId);
          board.members.add(args.userId);
          await publish(liveChannel.user(args.userId), {
            type: 'liveAccess',
            channel: `board:${args.boardId}`,
            granted: true,
            after: board.notes.length,
          });
          return true;
        },
        postToFeed: async (_: unknown, args: { text: string }, ctx: BoardsContext) => {
          const device = requireDevice(ctx);
          const feed = feeds.get(device) ?? [];
          feeds.set(device, feed);
          const pos = feed.length + 1;
          const item: FeedItem = { cursor: feedCursor(device, pos), pos, text: args.text, backlog: null };
          feed.push(item);
          await publish(`feed:${device}`, {
            type: 'feedItem',
            device,
            pos,
            data: { __typename: 'FeedItem', ...item },
          });
          return item;
        },
      },
      Subscription: {
        notePosted: {
          subscribe: () => {
            throw forbidden('Subscriptions are served by the gateway');
          },
          // Only when the event's data does not cover a selection (it always does here).
          resolve: (_: unknown, args: { boardId?: string | null }, ctx: BoardsContext) => {
            const event = ctx.liveEvent as { boardId: string; seq: number };
            return readable(ctx, args.boardId ?? event.boardId).notes[event.seq - 1];
          },
        },
        feed: {
          subscribe: () => {
            throw forbidden('Subscriptions are served by the gateway');
          },
          resolve: (_: unknown, _args: unknown, ctx: BoardsContext) => {
            const event = ctx.liveEvent as { device: string; pos: number };
            return feedOf(ctx, event.device)[event.pos - 1];
          },
        },
      },
    },
  });
  return {
    server,
    /** Drops the next `count` live events on the floor. */
    lose(count: number) {
      toLose += count;
    },
  };
}
