import { randomUUID } from 'node:crypto';
import { SUBGRAPH_SCHEMAS } from '@switchboard/db';
import type { RunningGateway } from '@switchboard/gateway';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisConnection } from '@switchboard/messaging';
import {
  directChat,
  fakeCandidate,
  fakeSdp,
  listenForCalls,
  nthEvent,
  openCallsDb,
  type CallEvent,
  type CallFields,
  type User,
} from './support/calls.ts';
import { Client, errorCode, signUp } from './support/client.ts';
import { startPushService } from './support/pushService.ts';
import { startStack, type Stack } from './support/stack.ts';
import { subscribeDocument, wsClient } from './support/subscriptions.ts';
import { waitFor } from './support/wait.ts';

let stack: Stack;
let other: RunningGateway;
let anonymous: Client;
let callsDb: ReturnType<typeof openCallsDb>;
let push: Awaited<ReturnType<typeof startPushService>>;
const sockets: { dispose(): void | Promise<void> }[] = [];

beforeAll(async () => {
  push = await startPushService();
  stack = await startStack({ push: { allowHosts: [push.host] } });
  // A second gateway process: each side of a call may be connected to a different one.
  other = await stack.startGateway();
  anonymous = new Client(stack.gateway.url);
  callsDb = openCallsDb(stack.config.databaseUrl);
});
afterAll(async () => {
  await Promise.all(sockets.map((socket) => socket.dispose()));
  await callsDb?.$disconnect();
  await stack?.stop();
  await push?.close();
});

/** Signs up one user per name, in the order given. */
const people = <const N extends readonly string[]>(...names: N) =>
  Promise.all(names.map((name) => signUp(anonymous, name))) as Promise<{ [K in keyof N]: User }>;

async function startCall(caller: User, chatId: string, sdpOffer = fakeSdp(), video = false) {
  return (await caller.client.data('StartCall', { input: { chatId, video, sdpOffer } }))
    .startCall as CallFields;
}
const answer = async (callee: User, callId: string, sdpAnswer = fakeSdp()) =>
  (await callee.client.data('AnswerCall', { callId, sdpAnswer })).answerCall as CallFields;
const end = async (user: User, callId: string) =>
  (await user.client.data('EndCall', { callId })).endCall as CallFields;

/** Rows anywhere in the database whose text holds `marker` (every table of every subgraph). */
async function rowsHolding(marker: string): Promise<string[]> {
  const tables = await callsDb.$queryRawUnsafe<{ schema: string; name: string }[]>(
    `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
     WHERE table_schema = ANY($1::text[]) AND table_type = 'BASE TABLE'`,
    [...SUBGRAPH_SCHEMAS],
  );
  const found: string[] = [];
  for (const { schema, name } of tables) {
    const [row] = await callsDb.$queryRawUnsafe<{ count: bigint }[]>(
      `SELECT count(*) AS count FROM "${schema}"."${name}" t WHERE t::text LIKE $1`,
      `%${marker}%`,
    );
    if (row!.count > 0n) found.push(`${schema}.${name}`);
  }
  return found;
}

describe('call signalling through the gateway', () => {
  it('relays offer, answer and candidates to the other side only, across gateway processes, storing the offer no more once answered and none of them once ended', async () => {
    const [alice, bob, carol] = await people('Alice', 'Bob', 'Carol');
    const chatId = await directChat(callsDb, alice, bob);
    const aliceEvents = await listenForCalls(alice, stack.gateway, sockets);
    const bobEvents = await listenForCalls(bob, other, sockets);
    const carolEvents = await listenForCalls(carol, other, sockets);

    const offerMarker = randomUUID();
    const offer = fakeSdp(offerMarker);
    const started = await startCall(alice, chatId, offer, true);
    expect(started).toMatchObject({
      video: true,
      state: 'RINGING',
      endReason: null,
      answeredAt: null,
      endedAt: null,
      chat: { id: chatId },
      caller: { id: alice.id, displayName: 'Alice' },
      callee: { id: bob.id, displayName: 'Bob' },
    });
    expect(await nthEvent(bobEvents, 1)).toEqual({
      kind: 'INCOMING',
      sdp: offer,
      candidate: null,
      call: started,
    });
    // The offer is kept while the call rings (for a callee who subscribes late): in its row, and in
    // the INCOMING entry of each of the callee's devices' inboxes.
    expect((await rowsHolding(offerMarker)).sort()).toEqual(['calls.Call', 'chats.InboxEntry']);

    const aliceCandidate = fakeCandidate();
    expect(
      (await alice.client.data('SendIceCandidate', { callId: started.id, candidate: aliceCandidate }))
        .sendIceCandidate,
    ).toBe(true);
    expect(await nthEvent(bobEvents, 2)).toEqual({
      kind: 'ICE_CANDIDATE',
      sdp: null,
      candidate: aliceCandidate,
      call: started,
    });

    const answerMarker = randomUUID();
    const sdpAnswer = fakeSdp(answerMarker);
    const answered = await answer(bob, started.id, sdpAnswer);
    expect(answered).toMatchObject({ id: started.id, state: 'ACTIVE', endReason: null });
    expect(Date.parse(answered.answeredAt!)).toBeGreaterThanOrEqual(Date.parse(started.startedAt));
    // Alice's first event is Bob's answer: nothing she sent came back to her.
    expect(await nthEvent(aliceEvents, 1)).toEqual({
      kind: 'ANSWERED',
      sdp: sdpAnswer,
      candidate: null,
      call: answered,
    });

    const bobCandidateMarker = randomUUID();
    const bobCandidate = fakeCandidate(bobCandidateMarker);
    await bob.client.data('SendIceCandidate', { callId: started.id, candidate: bobCandidate });
    expect(await nthEvent(aliceEvents, 2)).toMatchObject({ kind: 'ICE_CANDIDATE', candidate: bobCandidate });
    // Answered: the offer is kept nowhere; the answer and candidates only in the inbox entries of
    // the devices they are for, until the call ends.
    expect(await rowsHolding(offerMarker)).toEqual([]);
    for (const marker of [answerMarker, bobCandidateMarker])
      expect(await rowsHolding(marker)).toEqual(['chats.InboxEntry']);

    const ended = await end(alice, started.id);
    expect(ended).toMatchObject({ state: 'ENDED', endReason: 'HANGUP' });
    expect(await nthEvent(bobEvents, 3)).toEqual({ kind: 'ENDED', sdp: null, candidate: null, call: ended });
    for (const marker of [offerMarker, answerMarker, bobCandidateMarker])
      expect(await rowsHolding(marker)).toEqual([]);

    // Markers on each channel: the next event each of them gets is a new call's. Had Alice heard
    // her own hang-up, or Carol anything of Alice and Bob's call, it would have come first.
    const carolChat = await directChat(callsDb, carol, alice);
    const next = await startCall(bob, chatId);
    expect(await nthEvent(aliceEvents, 3)).toMatchObject({ kind: 'INCOMING', call: { id: next.id } });
    await end(bob, next.id);
    const toCarol = await startCall(alice, carolChat);
    expect(await nthEvent(carolEvents, 1)).toMatchObject({ kind: 'INCOMING', call: { id: toCarol.id } });
    await end(alice, toCarol.id);
    expect(await nthEvent(aliceEvents, 4)).toMatchObject({
      kind: 'ENDED',
      call: { id: next.id, endReason: 'CANCELLED' },
    });
  });

  it('a callee who subscribes while a call rings (woken by the push) gets its INCOMING first; nobody else does', async () => {
    const [alice, bob] = await people('Alice', 'Bob');
    const chatId = await directChat(callsDb, alice, bob);
    const offer = fakeSdp();
    const started = await startCall(alice, chatId, offer, true);

    // Bob subscribes after the INCOMING was published, as an app opened by the push would.
    const bobEvents = await listenForCalls(bob, other, sockets);
    expect(await nthEvent(bobEvents, 1)).toEqual({
      kind: 'INCOMING',
      sdp: offer,
      candidate: null,
      call: started,
    });
    // What follows comes after it, in order.
    await alice.client.data('SendIceCandidate', { callId: started.id, candidate: fakeCandidate() });
    expect(await nthEvent(bobEvents, 2)).toMatchObject({ kind: 'ICE_CANDIDATE', call: { id: started.id } });

    // The caller is owed nothing; once answered, a new subscriber of Bob's is owed nothing either.
    const aliceEvents = await listenForCalls(alice, stack.gateway, sockets);
    const answered = await answer(bob, started.id);
    expect(await nthEvent(aliceEvents, 1)).toMatchObject({ kind: 'ANSWERED', call: { id: started.id } });
    const lateBob = await listenForCalls(bob, stack.gateway, sockets);
    await end(alice, started.id);
    expect(await nthEvent(lateBob, 1)).toMatchObject({
      kind: 'ENDED',
      call: { id: answered.id, endReason: 'HANGUP' },
    });
  });

  it('ends as DECLINED by the callee, CANCELLED by the caller, HANGUP by either once answered; ending again changes nothing', async () => {
    const [alice, bob] = await people('Alice', 'Bob');
    const chatId = await directChat(callsDb, alice, bob);
    const aliceEvents = await listenForCalls(alice, stack.gateway, sockets);

    const declined = await startCall(alice, chatId);
    expect(await end(bob, declined.id)).toMatchObject({
      state: 'ENDED',
      endReason: 'DECLINED',
      answeredAt: null,
    });
    expect(await nthEvent(aliceEvents, 1)).toMatchObject({
      kind: 'ENDED',
      call: { id: declined.id, endReason: 'DECLINED' },
    });

    const cancelled = await startCall(alice, chatId);
    const ended = await end(alice, cancelled.id);
    expect(ended).toMatchObject({ endReason: 'CANCELLED' });
    expect(await end(bob, cancelled.id)).toEqual(ended);
    expect(errorCode(await bob.client.op('AnswerCall', { callId: cancelled.id, sdpAnswer: fakeSdp() }))).toBe(
      'BAD_USER_INPUT',
    );
    expect(
      errorCode(
        await bob.client.op('SendIceCandidate', { callId: cancelled.id, candidate: fakeCandidate() }),
      ),
    ).toBe('BAD_USER_INPUT');

    const hungUp = await startCall(bob, chatId);
    await answer(alice, hungUp.id);
    expect(await end(bob, hungUp.id)).toMatchObject({ endReason: 'HANGUP' });
    // The caller cannot answer their own call.
    const own = await startCall(alice, chatId);
    expect(errorCode(await alice.client.op('AnswerCall', { callId: own.id, sdpAnswer: fakeSdp() }))).toBe(
      'FORBIDDEN',
    );
    await end(alice, own.id);
  });

  it('only the two members of a direct chat call each other: anyone else, a group and an unknown chat are NOT_FOUND', async () => {
    const [alice, bob, mallory] = await people('Alice', 'Bob', 'Mallory');
    const chatId = await directChat(callsDb, alice, bob);
    const group = (await alice.client.data('CreateGroup', { input: { title: 'G', memberIds: [bob.id] } }))
      .createGroup.id as string;
    const call = (input: Record<string, unknown>, user = mallory) =>
      user.client.op('StartCall', { input: { video: false, sdpOffer: fakeSdp(), ...input } });

    expect(errorCode(await call({ chatId }))).toBe('NOT_FOUND');
    expect(errorCode(await call({ chatId: group }, alice))).toBe('NOT_FOUND');
    expect(errorCode(await call({ chatId: randomUUID() }, alice))).toBe('NOT_FOUND');
    expect(errorCode(await call({ chatId: 'not-an-id' }, alice))).toBe('NOT_FOUND');
    expect(
      errorCode(await anonymous.op('StartCall', { input: { chatId, video: false, sdpOffer: fakeSdp() } })),
    ).toBe('UNAUTHENTICATED');

    // Their call is theirs: Mallory can neither answer, signal into nor end it.
    const started = await startCall(alice, chatId);
    expect(
      errorCode(await mallory.client.op('AnswerCall', { callId: started.id, sdpAnswer: fakeSdp() })),
    ).toBe('NOT_FOUND');
    expect(
      errorCode(
        await mallory.client.op('SendIceCandidate', { callId: started.id, candidate: fakeCandidate() }),
      ),
    ).toBe('NOT_FOUND');
    expect(errorCode(await mallory.client.op('EndCall', { callId: started.id }))).toBe('NOT_FOUND');
    const history = (await mallory.client.data('CallHistory', {})).calls;
    expect(history.edges).toEqual([]);
    await end(alice, started.id);
  });

  it('one call at a time: calling someone on a call ends at once as BUSY, unheard; a caller on a call is refused', async () => {
    const [alice, bob, carol, dave] = await people('Alice', 'Bob', 'Carol', 'Dave');
    const [aliceBob, carolBob, carolAlice, bobDave] = await Promise.all([
      directChat(callsDb, alice, bob),
      directChat(callsDb, carol, bob),
      directChat(callsDb, carol, alice),
      directChat(callsDb, bob, dave),
    ]);
    const bobEvents = await listenForCalls(bob, other, sockets);
    const ringing = await startCall(alice, aliceBob);
    expect(await nthEvent(bobEvents, 1)).toMatchObject({ kind: 'INCOMING', call: { id: ringing.id } });

    // Bob is being rung, Alice is ringing him: both are on a call.
    expect(await startCall(carol, carolBob)).toMatchObject({
      state: 'ENDED',
      endReason: 'BUSY',
      answeredAt: null,
    });
    expect(await startCall(carol, carolAlice)).toMatchObject({ state: 'ENDED', endReason: 'BUSY' });
    const refused = await bob.client.op('StartCall', {
      input: { chatId: bobDave, video: false, sdpOffer: fakeSdp() },
    });
    expect(errorCode(refused)).toBe('BAD_USER_INPUT');

    // Once answered too; once ended, everyone is free again. Carol's BUSY calls never rang Bob.
    await answer(bob, ringing.id);
    expect(await startCall(carol, carolBob)).toMatchObject({ endReason: 'BUSY' });
    await end(bob, ringing.id);
    const free = await startCall(carol, carolBob);
    expect(free.state).toBe('RINGING');
    expect(await nthEvent(bobEvents, 2)).toMatchObject({ kind: 'INCOMING', call: { id: free.id } });
    await end(carol, free.id);
  });

  it('one call at a time holds under concurrent calls: of three callers at once, one rings', async () => {
    const [bob, ...callers] = await people('Bob', 'A', 'B', 'C');
    const chats = await Promise.all(callers.map((caller) => directChat(callsDb, caller, bob)));
    const calls = await Promise.all(callers.map((caller, i) => startCall(caller, chats[i]!)));
    expect(calls.map((call) => call.state).sort()).toEqual(['ENDED', 'ENDED', 'RINGING']);
    expect(calls.filter((call) => call.endReason === 'BUSY')).toHaveLength(2);
    const ringing = calls.find((call) => call.state === 'RINGING')!;
    await end(bob, ringing.id);
  });

  it('a blocked pair cannot call either way; a block ends their call (FAILED); an unblock lets them call again', async () => {
    const [alice, bob] = await people('Alice', 'Bob');
    const chatId = await directChat(callsDb, alice, bob);
    const [aliceEvents, bobEvents] = await Promise.all([
      listenForCalls(alice, stack.gateway, sockets),
      listenForCalls(bob, other, sockets),
    ]);
    const call = await startCall(alice, chatId);
    await answer(bob, call.id);
    expect(await nthEvent(aliceEvents, 1)).toMatchObject({ kind: 'ANSWERED' });

    await bob.client.data('BlockUser', { userId: alice.id });
    // calls learns of the block through users' outbox and the worker, and ends the call on both sides.
    expect(await nthEvent(aliceEvents, 2, 15_000)).toMatchObject({
      kind: 'ENDED',
      call: { endReason: 'FAILED' },
    });
    expect(await nthEvent(bobEvents, 2, 15_000)).toMatchObject({
      kind: 'ENDED',
      call: { endReason: 'FAILED' },
    });
    const attempt = (user: User) =>
      user.client.op('StartCall', { input: { chatId, video: false, sdpOffer: fakeSdp() } });
    expect(errorCode(await attempt(alice))).toBe('FORBIDDEN');
    expect(errorCode(await attempt(bob))).toBe('FORBIDDEN');

    await bob.client.data('UnblockUser', { userId: alice.id });
    await expect.poll(async () => errorCode(await attempt(alice)), { timeout: 15_000 }).toBeUndefined();
  });

  it('refuses SDP over 16 KiB, candidates over 1 KiB, and either when not text, as BAD_USER_INPUT', async () => {
    const [alice, bob] = await people('Alice', 'Bob');
    const chatId = await directChat(callsDb, alice, bob);
    const offer = (sdpOffer: string) =>
      alice.client.op('StartCall', { input: { chatId, video: false, sdpOffer } });
    const pad = (text: string, bytes: number) => text + 'a'.repeat(bytes - Buffer.byteLength(text));

    const tooLong = await offer(pad(fakeSdp(), 16 * 1024 + 1));
    expect(errorCode(tooLong)).toBe('BAD_USER_INPUT');
    expect(tooLong.errors![0]!.extensions!['field']).toBe('sdpOffer');
    // Counted in bytes: 5,462 three-byte characters are 16,386 bytes.
    expect(errorCode(await offer(`v=0\r\n${'€'.repeat(5462)}`))).toBe('BAD_USER_INPUT');
    expect(errorCode(await offer('v=0\r\ns=-\u0000\r\n'))).toBe('BAD_USER_INPUT');
    expect(errorCode(await offer('v=0\r\ns=\ud800\r\n'))).toBe('BAD_USER_INPUT');
    expect(errorCode(await offer('hello'))).toBe('BAD_USER_INPUT');
    expect(errorCode(await offer(''))).toBe('BAD_USER_INPUT');

    // Exactly 16 KiB rings.
    const call = (await offer(pad(fakeSdp(), 16 * 1024))).data!['startCall'] as CallFields;
    expect(call.state).toBe('RINGING');
    const candidate = (text: string) =>
      alice.client.op('SendIceCandidate', { callId: call.id, candidate: text });
    expect(errorCode(await candidate(pad('candidate:', 1025)))).toBe('BAD_USER_INPUT');
    expect(errorCode(await candidate('candidate:1\u0007'))).toBe('BAD_USER_INPUT');
    expect(errorCode(await candidate(' '))).toBe('BAD_USER_INPUT');
    expect((await candidate(pad('candidate:', 1024))).data).toEqual({ sendIceCandidate: true });
    expect(
      errorCode(
        await bob.client.op('AnswerCall', { callId: call.id, sdpAnswer: pad(fakeSdp(), 16 * 1024 + 1) }),
      ),
    ).toBe('BAD_USER_INPUT');
    // A refused answer changed nothing: the call still rings.
    expect((await answer(bob, call.id)).state).toBe('ACTIVE');
    await end(bob, call.id);
  });

  it('a selection the event does not cover is answered by calls from the event, for its addressee', async () => {
    const [alice, bob] = await people('Alice', 'Bob');
    const chatId = await directChat(callsDb, alice, bob);
    const before = other.activeSubscriptions();
    const socket = wsClient(other.url, bob.client.token);
    sockets.push(socket);
    // @include makes the gateway ask calls for the primary fetch (the event's data is not used).
    const events = subscribeDocument<{
      callEvents: CallEvent & { call: { durationSeconds: number | null } };
    }>(
      socket,
      `subscription { callEvents { kind sdp call { id state durationSeconds @include(if: true) caller { displayName } } } }`,
    );
    await waitFor(() => other.activeSubscriptions() > before, 10_000, 'the subscription to listen');
    const offer = fakeSdp();
    const call = await startCall(alice, chatId, offer);
    const first = await events.nth(1);
    expect(first).toEqual({
      data: {
        callEvents: {
          kind: 'INCOMING',
          sdp: offer,
          call: { id: call.id, state: 'RINGING', durationSeconds: null, caller: { displayName: 'Alice' } },
        },
      },
    });
    await answer(bob, call.id);
    await end(alice, call.id);
    expect(await events.nth(2)).toMatchObject({ data: { callEvents: { kind: 'ENDED' } } });
  });
});

describe('call history', () => {
  it('lists missed, declined and answered calls with durations, newest first, page by page', async () => {
    const [alice, bob] = await people('Alice', 'Bob');
    const chatId = await directChat(callsDb, alice, bob);
    const declined = await startCall(alice, chatId);
    await end(bob, declined.id);
    const answered = await startCall(bob, chatId, fakeSdp(), true);
    await answer(alice, answered.id);
    // A second passes between answer and end, so the duration is one.
    await callsDb.call.update({
      where: { id: answered.id },
      data: { answeredAt: new Date(Date.now() - 1500) },
    });
    await end(alice, answered.id);
    const cancelled = await startCall(alice, chatId);
    await end(alice, cancelled.id);

    const page = async (after?: string) =>
      (await alice.client.data('CallHistory', { first: 2, ...(after ? { after } : {}) })).calls;
    const first = await page();
    expect(first.edges.map((edge: { node: CallFields }) => [edge.node.id, edge.node.endReason])).toEqual([
      [cancelled.id, 'CANCELLED'],
      [answered.id, 'HANGUP'],
    ]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await page(first.pageInfo.endCursor);
    expect(second.edges.map((edge: { node: CallFields }) => edge.node.id)).toEqual([declined.id]);
    expect(second.pageInfo).toEqual({ hasNextPage: false, endCursor: second.edges[0].cursor });

    // Bob's history has the same calls, and the duration the API computes.
    const { calls } = (
      await bob.client.request<{
        calls: {
          edges: { node: { id: string; durationSeconds: number | null; answeredAt: string | null } }[];
        };
      }>('query { calls { edges { node { id durationSeconds answeredAt } } } }')
    ).data!;
    const byId = new Map(calls.edges.map((edge) => [edge.node.id, edge.node]));
    expect(byId.get(answered.id)!.durationSeconds).toBeGreaterThanOrEqual(1);
    expect(byId.get(declined.id)).toEqual({ id: declined.id, durationSeconds: null, answeredAt: null });
    expect(errorCode(await alice.client.op('CallHistory', { after: 'bogus' }))).toBe('BAD_USER_INPUT');
    expect(errorCode(await alice.client.op('CallHistory', { first: 0 }))).toBe('BAD_USER_INPUT');
  });
});

describe('a push to an offline callee', () => {
  it('sends one, high urgency, living only while the call rings, with no SDP; none to a callee who is online', async () => {
    const [alice, bob, carol] = await people('Alice', 'Bob', 'Carol');
    const bobPhone = push.subscription(`call-${bob.id}`);
    await bob.client.data('RegisterPush', { input: bobPhone.input });
    const chatId = await directChat(callsDb, alice, bob);
    const marker = randomUUID();
    const call = await startCall(alice, chatId, fakeSdp(marker), true);

    await expect.poll(() => push.accepted(`/push/call-${bob.id}`).length, { timeout: 15_000 }).toBe(1);
    const [received] = push.accepted(`/push/call-${bob.id}`);
    expect(received!.headers['urgency']).toBe('high');
    expect(Number(received!.headers['ttl'])).toBeGreaterThan(0);
    expect(Number(received!.headers['ttl'])).toBeLessThanOrEqual(45);
    const payload = bobPhone.decrypt(received!.body) as Record<string, unknown>;
    expect(payload).toEqual({
      type: 'call',
      callId: call.id,
      chatId,
      video: true,
      caller: { id: alice.id, displayName: 'Alice' },
      text: 'Incoming video call from Alice',
      tag: call.id,
      ringsUntil: expect.any(String),
    });
    expect(JSON.stringify(payload)).not.toContain(marker);

    // Once: the push job is done, and ending the call sends nothing more.
    const redis = redisConnection(stack.config.redisUrl);
    const pushes = new Queue('push-notifications', { connection: redis, prefix: stack.config.queuePrefix });
    const eventIdOf = async (callId: string) =>
      (
        await callsDb.outboxEvent.findFirstOrThrow({
          where: { type: 'CallStarted', payload: { path: ['callId'], equals: callId } },
        })
      ).eventId;
    await waitFor(async () => (await pushes.getJobState(await eventIdOf(call.id))) === 'completed');
    await end(alice, call.id);

    // Carol is online (a live socket): her call rings there, and no push goes out.
    const carolPhone = push.subscription(`call-${carol.id}`);
    await carol.client.data('RegisterPush', { input: carolPhone.input });
    await listenForCalls(carol, stack.gateway, sockets);
    await expect
      .poll(async () => (await carol.client.data('Me')).me.presence.status, { timeout: 10_000 })
      .toBe('ONLINE');
    const toCarol = await startCall(alice, await directChat(callsDb, alice, carol));
    await waitFor(async () => (await pushes.getJobState(await eventIdOf(toCarol.id))) === 'completed');
    expect(push.received.filter((p) => p.path === `/push/call-${carol.id}`)).toHaveLength(0);
    expect(push.received.filter((p) => p.path === `/push/call-${bob.id}`)).toHaveLength(1);
    await end(alice, toCarol.id);
    await pushes.close();
    redis.disconnect();
  });
});
