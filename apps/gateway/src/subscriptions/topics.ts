import { badInput, forbidden } from '@switchboard/core';
import { liveChannel, type LiveEvent } from '@switchboard/messaging';
import type { ExecutionResult } from 'graphql';
import type { LiveBus } from './liveBus.ts';
import type { ChatsApi } from './subgraphClient.ts';

/** What a topic needs to run one subscriber's subscription. */
export interface TopicContext {
  userId: string;
  args: Record<string, unknown>;
  chats: ChatsApi;
  bus: LiveBus;
  /**
   * Resolves a payload for an event. `shared`: once for every subscriber with this selection
   * (identity: a delivery scoped to the event's chat). Otherwise as this subscriber (replay).
   */
  resolve(
    liveEvent: object,
    mode: { shared: true; chatId: string | null } | { shared: false },
  ): Promise<ExecutionResult>;
  emit(result: ExecutionResult): void;
  fail(error: unknown): void;
  /** Runs `cleanup` when the subscription ends. */
  onEnd(cleanup: () => void): void;
}

export type Topic = (ctx: TopicContext) => Promise<void>;

const REPLAY_PAGE = 200;
const MAX_PRESENCE_USERS = 100;

const lostAccess = () => forbidden('You are no longer a member of this chat');

/**
 * Follows live events of one chat (chatId given: the caller must be a member) or of every chat
 * the caller is in (chatId null: including chats joined later). A subscription on one chat ends
 * with FORBIDDEN when the caller leaves or is removed; with chatId null that chat is dropped.
 */
async function followChats(
  ctx: TopicContext,
  chatId: string | null,
  onEvent: (chatId: string, event: LiveEvent) => void,
): Promise<void> {
  const followed = new Map<string, () => void>();
  ctx.onEnd(() => {
    for (const stop of followed.values()) stop();
    followed.clear();
  });

  const membershipChanged = (event: LiveEvent) => {
    if (event.type !== 'membershipChanged' || event.userId !== ctx.userId) return false;
    if (event.member) {
      if (chatId === null && !followed.has(event.chatId)) void follow(event.chatId);
    } else if (chatId !== null) {
      if (event.chatId === chatId) ctx.fail(lostAccess());
    } else {
      followed.get(event.chatId)?.();
      followed.delete(event.chatId);
    }
    return true;
  };

  async function follow(id: string) {
    followed.set(id, () => {});
    const stop = await ctx.bus.listen(liveChannel.chat(id), (event) => {
      if (membershipChanged(event)) return;
      if (followed.has(id)) onEvent(id, event);
    });
    if (followed.has(id)) followed.set(id, stop);
    else stop();
  }

  // Hear of our own membership changes first, so none is missed between the check and the follow.
  ctx.onEnd(await ctx.bus.listen(liveChannel.user(ctx.userId), (event) => void membershipChanged(event)));
  if (chatId !== null) {
    await ctx.chats.assertMember(ctx.userId, chatId);
    await follow(chatId);
  } else {
    await Promise.all((await ctx.chats.myChatIds(ctx.userId)).map((id) => follow(id)));
  }
}

function optionalId(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return String(value);
}

/**
 * messageAdded(chatId, afterSeq): with afterSeq, first every stored message after it (replayed
 * from Postgres as the subscriber), then live ones; a live event is delivered only when it is the
 * next seq of its chat, so nothing is duplicated, and a gap (a live event lost or overtaken) is
 * filled from Postgres before going on. Events are handled one chat at a time, in order.
 */
const messageAdded: Topic = async (ctx) => {
  const chatId = optionalId(ctx.args['chatId']);
  const afterSeq = ctx.args['afterSeq'];
  if (afterSeq !== null && afterSeq !== undefined) {
    if (chatId === null) throw badInput('afterSeq needs a chatId', 'afterSeq');
    if (typeof afterSeq !== 'number' || afterSeq < 0)
      throw badInput('afterSeq must be 0 or more', 'afterSeq');
  }

  const chains = new Map<string, { lastSeq: number | null; tail: Promise<void> }>();
  const chain = (id: string) => {
    let state = chains.get(id);
    if (!state) {
      state = { lastSeq: null, tail: Promise.resolve() };
      chains.set(id, state);
    }
    return state;
  };
  const enqueue = (id: string, step: (state: { lastSeq: number | null }) => Promise<void>) => {
    const state = chain(id);
    state.tail = state.tail.then(() => step(state)).catch((error) => ctx.fail(error));
  };

  /** Delivers every stored message of a chat after `state.lastSeq` (up to `until`), as the subscriber. */
  const catchUp = async (id: string, state: { lastSeq: number | null }, until = Infinity) => {
    for (;;) {
      const page = await ctx.chats.messagesAfter(ctx.userId, id, state.lastSeq ?? 0, REPLAY_PAGE);
      for (const message of page) {
        if (message.seq > until) return;
        ctx.emit(
          await ctx.resolve(
            { type: 'messageAdded', chatId: id, messageId: message.id, seq: message.seq },
            { shared: false },
          ),
        );
        state.lastSeq = message.seq;
      }
      if (page.length < REPLAY_PAGE) return;
    }
  };

  const onEvent = (id: string, event: LiveEvent) => {
    if (event.type !== 'messageAdded') return;
    enqueue(id, async (state) => {
      if (state.lastSeq !== null && event.seq <= state.lastSeq) return; // replayed already
      if (state.lastSeq !== null && event.seq > state.lastSeq + 1) await catchUp(id, state, event.seq - 1);
      if (state.lastSeq !== null && event.seq <= state.lastSeq) return;
      ctx.emit(await ctx.resolve(event, { shared: true, chatId: id }));
      state.lastSeq = event.seq;
    });
  };

  if (chatId !== null && typeof afterSeq === 'number') {
    // Listen first, replay second: whatever commits meanwhile is either replayed or queued live.
    const state = chain(chatId);
    state.lastSeq = afterSeq;
    let release!: () => void;
    state.tail = new Promise<void>((resolve) => (release = resolve));
    await followChats(ctx, chatId, onEvent);
    enqueue(chatId, (s) => catchUp(chatId, s));
    release();
  } else {
    await followChats(ctx, chatId, onEvent);
  }
};

/** Forwards one kind of chat event, resolved once for all its subscribers. */
function chatEvents(type: LiveEvent['type'], options: { chatRequired: boolean }): Topic {
  return async (ctx) => {
    const chatId = optionalId(ctx.args['chatId']);
    if (options.chatRequired && chatId === null) throw badInput('chatId is required', 'chatId');
    await followChats(ctx, chatId, (id, event) => {
      if (event.type !== type) return;
      void ctx
        .resolve(event, { shared: true, chatId: id })
        .then((result) => ctx.emit(result))
        .catch((error) => ctx.fail(error));
    });
  };
}

/** presenceChanged(userIds): any signed-in user may watch up to 100 users. */
const presenceChanged: Topic = async (ctx) => {
  const userIds = [...new Set((ctx.args['userIds'] as unknown[] | undefined) ?? [])].map(String);
  if (userIds.length === 0 || userIds.length > MAX_PRESENCE_USERS)
    throw badInput(`userIds takes 1 to ${MAX_PRESENCE_USERS} ids`, 'userIds');
  const stops = await Promise.all(
    userIds.map((id) =>
      ctx.bus.listen(liveChannel.presence(id), (event) => {
        if (event.type !== 'presenceChanged') return;
        void ctx
          .resolve(event, { shared: true, chatId: null })
          .then((result) => ctx.emit(result))
          .catch((error) => ctx.fail(error));
      }),
    ),
  );
  for (const stop of stops) ctx.onEnd(stop);
};

/** Root subscription field -> how its events are found, filtered and ordered. */
export const topics: Record<string, Topic> = {
  messageAdded,
  messageUpdated: chatEvents('messageUpdated', { chatRequired: false }),
  receiptUpdated: chatEvents('receiptUpdated', { chatRequired: true }),
  typing: chatEvents('typing', { chatRequired: true }),
  presenceChanged,
};
