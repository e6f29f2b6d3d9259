import { readFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import type { RunningGateway } from '@switchboard/gateway';
import type { RunningServer } from '@switchboard/subgraph';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBoards } from './support/boards/createBoards.ts';
import { Client, errorCode, signUp } from './support/client.ts';
import { SUBGRAPHS, startStack, type Stack } from './support/stack.ts';
import { subscribeDocument, wsClient } from './support/subscriptions.ts';
import { waitFor } from './support/wait.ts';

/**
 * A subgraph the gateway has never seen adds subscription fields with the live directives alone
 * (tests/support/boards/schema.graphql): composed into a supergraph with the others, they are
 * served over graphql-ws with access checks, resume (from an Int cursor, or an opaque one that
 * access reads), gap filling, revocation, a channel per device and a caught-up payload, and no
 * gateway code.
 */

type User = Awaited<ReturnType<typeof signUp>>;

let stack: Stack;
let boards: Awaited<ReturnType<typeof createBoards>>;
let boardsServer: RunningServer;
let gateway: RunningGateway;
let anonymous: Client;
const sockets: { dispose(): void | Promise<void> }[] = [];

const NOTE_POSTED = `subscription NotePosted($boardId: ID, $afterSeq: Int) {
  notePosted(boardId: $boardId, afterSeq: $afterSeq) { boardId seq text author { id displayName } }
}`;

const FEED = `subscription Feed($after: String) {
  feed(after: $after) { cursor text backlog }
}`;

beforeAll(async () => {
  stack = await startStack();
  boards = await createBoards({
    redisUrl: stack.config.redisUrl,
    trustedKeys: stack.config.trustedKeys,
  });
  boardsServer = await boards.server.listen(0);
  const root = new URL('..', import.meta.url).pathname;
  const composed = composeServices([
    ...SUBGRAPHS.map((name) => ({
      name,
      url: stack.subgraphs[name].url,
      typeDefs: parse(readFileSync(`${root}subgraphs/${name}/src/schema.graphql`, 'utf8')),
    })),
    {
      name: 'boards',
      url: boardsServer.url,
      typeDefs: parse(readFileSync(`${root}tests/support/boards/schema.graphql`, 'utf8')),
    },
  ]);
  if (composed.errors) throw new Error(composed.errors.map((error) => error.message).join('\n'));
  gateway = await stack.startGateway({
    supergraphSdl: composed.supergraphSdl,
    subgraphUrls: {
      ...Object.fromEntries(SUBGRAPHS.map((name) => [name, stack.subgraphs[name].url])),
      boards: boardsServer.url,
    },
  });
  anonymous = new Client(gateway.url);
});
afterAll(async () => {
  await Promise.all(sockets.map((socket) => socket.dispose()));
  await stack?.stop();
  await boardsServer?.stop();
});

async function data<T>(user: User, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const result = await user.client.request<T>(query, variables);
  if (result.errors?.length || !result.data) throw new Error(JSON.stringify(result.errors));
  return result.data;
}

const createBoard = async (owner: User, members: User[]) =>
  (
    await data<{ createBoard: string }>(owner, 'mutation($m: [ID!]!) { createBoard(memberIds: $m) }', {
      m: members.map((member) => member.id),
    })
  ).createBoard;

const post = (user: User, boardId: string, text: string) =>
  data(user, 'mutation($b: ID!, $t: String!) { postNote(boardId: $b, text: $t) { seq } }', {
    b: boardId,
    t: text,
  });

async function listen(
  user: User,
  variables: Record<string, unknown>,
  [document, operationName] = [NOTE_POSTED, 'NotePosted'],
) {
  const client = wsClient(gateway.url, user.client.token);
  sockets.push(client);
  const before = gateway.activeSubscriptions();
  const subscription = subscribeDocument(client, document, variables, operationName);
  await Promise.race([
    waitFor(() => gateway.activeSubscriptions() > before, 10_000, 'the subscription to listen'),
    subscription.ended,
  ]);
  return subscription;
}

const texts = (results: { data?: Record<string, any> | null }[], field = 'notePosted') =>
  results.map((result) => result.data?.[field].text);

const postToFeed = async (user: User, text: string) =>
  (
    await data<{ postToFeed: { cursor: string } }>(
      user,
      'mutation($t: String!) { postToFeed(text: $t) { cursor } }',
      { t: text },
    )
  ).postToFeed.cursor;

/** The same user on another device: a sign-in gives a token of a device of its own. */
async function anotherDevice(user: User): Promise<User> {
  const result = await anonymous.request<{ signIn: { token: string } }>(
    'mutation($i: SignInInput!) { signIn(input: $i) { token } }',
    { i: { username: user.username, password: 'correct horse battery' } },
  );
  if (!result.data) throw new Error(JSON.stringify(result.errors));
  return { ...user, client: anonymous.withToken(result.data.signIn.token) };
}

describe('a subscription field declared by a subgraph the gateway does not know', () => {
  it('delivers its events with fields from other subgraphs, and refuses non-members with its access query', async () => {
    const [alice, bob, mallory] = await Promise.all([
      signUp(anonymous, 'Alice'),
      signUp(anonymous, 'Bob'),
      signUp(anonymous, 'Mallory'),
    ]);
    const boardId = await createBoard(alice, [bob]);
    const sub = await listen(bob, { boardId });
    await post(alice, boardId, 'hello board');
    expect((await sub.nth(1)).data).toEqual({
      notePosted: { boardId, seq: 1, text: 'hello board', author: { id: alice.id, displayName: 'Alice' } },
    });

    const refused = await listen(mallory, { boardId });
    expect(((await refused.ended) as { extensions: { code: string } }[])[0]!.extensions.code).toBe(
      'NOT_FOUND',
    );
    const anon = wsClient(gateway.url);
    sockets.push(anon);
    const anonymousSub = subscribeDocument(anon, NOTE_POSTED, { boardId });
    expect(((await anonymousSub.ended) as { extensions: { code: string } }[])[0]!.extensions.code).toBe(
      'UNAUTHENTICATED',
    );
    expect(errorCode(await alice.client.request('{ _boardAccess }'))).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('resumes after a seq, fills a lost event from the replay query, and finds a lost last one', async () => {
    const [alice, bob] = await Promise.all([signUp(anonymous), signUp(anonymous)]);
    const boardId = await createBoard(alice, [bob]);
    for (const text of ['one', 'two', 'three']) await post(alice, boardId, text);
    const sub = await listen(bob, { boardId, afterSeq: 1 });
    await sub.nth(2);
    await post(alice, boardId, 'four');
    boards.lose(1);
    await post(alice, boardId, 'five (event lost)');
    await post(alice, boardId, 'six');
    await sub.nth(5);
    // The last event is lost and nothing follows it: the gateway's reconcile finds it.
    boards.lose(1);
    await post(alice, boardId, 'seven (last event lost)');
    await sub.nth(6, 15_000);
    expect(texts(sub.results)).toEqual([
      'two',
      'three',
      'four',
      'five (event lost)',
      'six',
      'seven (last event lost)',
    ]);
    expect(sub.results.map((result) => result.data!.notePosted.seq)).toEqual([2, 3, 4, 5, 6, 7]);
    const noBoard = await listen(bob, { afterSeq: 1 });
    expect(((await noBoard.ended) as { extensions: { code: string } }[])[0]!.extensions.code).toBe(
      'BAD_USER_INPUT',
    );
  });

  it('follows boards joined later with no boardId, and ends a one-board subscription when access is revoked', async () => {
    const [alice, bob] = await Promise.all([signUp(anonymous), signUp(anonymous)]);
    const first = await createBoard(alice, [bob]);
    const all = await listen(bob, {});
    const one = await listen(bob, { boardId: first });
    const second = await createBoard(alice, []);
    await data(alice, 'mutation($b: ID!, $u: ID!) { addToBoard(boardId: $b, userId: $u) }', {
      b: second,
      u: bob.id,
    });
    await post(alice, second, 'on the board bob joined later');
    await all.nth(1);
    await data(alice, 'mutation($b: ID!, $u: ID!) { removeFromBoard(boardId: $b, userId: $u) }', {
      b: first,
      u: bob.id,
    });
    expect(((await one.ended) as { extensions: { code: string } }[])[0]!.extensions.code).toBe('FORBIDDEN');
    await post(alice, first, 'after bob was removed');
    await post(alice, second, 'marker');
    await all.nth(2);
    expect(texts(all.results)).toEqual(['on the board bob joined later', 'marker']);
  });

  it('follows a channel per device from an opaque cursor: what is stored, one caught-up payload, then live', async () => {
    const alice = await signUp(anonymous);
    const cursors: string[] = [];
    for (const text of ['one', 'two', 'three']) cursors.push(await postToFeed(alice, text));
    const feed: [string, string] = [FEED, 'Feed'];
    const fresh = await listen(alice, { after: null }, feed);
    const resumed = await listen(alice, { after: cursors[0] }, feed);
    // From now: caught up at once, with nothing stored before it.
    expect((await fresh.nth(1)).data).toEqual({
      feed: { cursor: cursors[2], text: 'caught up', backlog: 0 },
    });
    // From a cursor: what was stored after it, then caught up where that ended.
    await resumed.nth(3);
    expect(resumed.results.map((result) => result.data)).toEqual([
      { feed: { cursor: cursors[1], text: 'two', backlog: null } },
      { feed: { cursor: cursors[2], text: 'three', backlog: null } },
      { feed: { cursor: cursors[2], text: 'caught up', backlog: 2 } },
    ]);
    // Then live, a lost event filled from the store, and a lost last one found by the reconcile.
    await postToFeed(alice, 'four');
    boards.lose(1);
    await postToFeed(alice, 'five (event lost)');
    await postToFeed(alice, 'six');
    boards.lose(1);
    await postToFeed(alice, 'seven (last event lost)');
    await fresh.nth(5, 15_000);
    await resumed.nth(7, 15_000);
    const live = ['four', 'five (event lost)', 'six', 'seven (last event lost)'];
    expect(texts(fresh.results, 'feed')).toEqual(['caught up', ...live]);
    expect(texts(resumed.results, 'feed')).toEqual(['two', 'three', 'caught up', ...live]);

    // The same user's other device follows a channel of its own, and cannot resume the first's.
    const tablet = await anotherDevice(alice);
    const own = await listen(tablet, { after: null }, feed);
    expect((await own.nth(1)).data).toMatchObject({ feed: { text: 'caught up', backlog: 0 } });
    const refused = await listen(tablet, { after: cursors[0] }, feed);
    expect(((await refused.ended) as { extensions: { code: string } }[])[0]!.extensions.code).toBe(
      'BAD_USER_INPUT',
    );
    await postToFeed(alice, 'eight (first device)');
    await postToFeed(tablet, 'on the tablet');
    await own.nth(2);
    await fresh.nth(6);
    expect(texts(own.results, 'feed')).toEqual(['caught up', 'on the tablet']);
    expect(texts(fresh.results, 'feed').at(-1)).toBe('eight (first device)');
  });
});
