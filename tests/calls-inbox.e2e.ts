import { randomUUID } from 'node:crypto';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createIdentitySigner, GATEWAY_ISSUER } from '@switchboard/core';
import { pgAdapter } from '@switchboard/db';
import { createRpcTransport } from '@switchboard/rpc';
import { ChatsService } from '@switchboard/rpc/chats/v1';
import type { Client as WsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaClient as ChatsDb } from '../subgraphs/chats/src/generated/prisma/client.ts';
import { fakeCandidate, fakeSdp, openCallsDb, type CallFields } from './support/calls.ts';
import { Client, errorCode } from './support/client.ts';
import { signUpWithDevices, type Device, type InboxEntry, type Person } from './support/devices.ts';
import { startStack, type Stack } from './support/stack.ts';
import { subscribe, wsClient, type Subscription } from './support/subscriptions.ts';
import { waitFor } from './support/wait.ts';

/**
 * Calls through the inbox (docs/devices-and-inbox.md, issue 18): every call signal is appended
 * to the inbox of the devices it is for, through the gateway with the contract's `Inbox`
 * subscription: INCOMING on every device of the callee, the answering device wins.
 */

/** An ACTIVE call neither side is connected to ends as FAILED after this (60 s in production). */
const UNATTENDED_SECONDS = 2;

let stack: Stack;
let anonymous: Client;
let callsDb: ReturnType<typeof openCallsDb>;
let chatsDb: ChatsDb;
const sockets: WsClient[] = [];

beforeAll(async () => {
  stack = await startStack({ calls: { unattendedTimeoutSeconds: UNATTENDED_SECONDS } });
  anonymous = new Client(stack.gateway.url);
  callsDb = openCallsDb(stack.config.databaseUrls.calls);
  chatsDb = new ChatsDb({ adapter: pgAdapter(stack.config.databaseUrls.chats, 2) });
});
afterAll(async () => {
  for (const socket of sockets) await socket.dispose();
  await callsDb?.$disconnect();
  await chatsDb?.$disconnect();
  await stack?.stop();
});

const person = (devices = 1) => signUpWithDevices(anonymous, devices);

type Entry = InboxEntry;
type Inbox = Subscription<{ inbox: Entry }> & { socket: WsClient };

/** A device's inbox on a socket of its own (disposing it takes the device offline). */
function inbox(device: Device, after: string | null = null): Inbox {
  const socket = wsClient(stack.gateway.url, device.client.token);
  sockets.push(socket);
  return Object.assign(subscribe<{ inbox: Entry }>(socket, 'Inbox', { after }), { socket });
}

function entries(sub: Inbox): Entry[] {
  for (const result of sub.results) expect(result.errors).toBeUndefined();
  return sub.results.map((result) => result.data!.inbox);
}

/** Waits for the first entry matching and returns it. */
async function waitForEntry(sub: Inbox, match: (entry: Entry) => boolean, what: string): Promise<Entry> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const found = entries(sub).find(match);
    if (found) return found;
    if (Date.now() > deadline)
      throw new Error(`No ${what}; got ${JSON.stringify(entries(sub).map((e) => e.event))}`);
    await sub.nth(sub.results.length + 1, 200).catch(() => undefined);
  }
}

const caughtUp = (sub: Inbox) => waitForEntry(sub, (e) => e.event.__typename === 'CaughtUp', 'CaughtUp');
const signal = (sub: Inbox, kind: string, callId: string) =>
  waitForEntry(
    sub,
    (e) => e.event.__typename === 'CallSignal' && e.event['kind'] === kind && e.event['call'].id === callId,
    `CallSignal ${kind}`,
  );
/** The kinds of the call's signals a device got so far, in its inbox's order. */
const kindsOf = (sub: Inbox, callId: string) =>
  entries(sub)
    .filter((e) => e.event.__typename === 'CallSignal' && e.event['call'].id === callId)
    .map((e) => e.event['kind'] as string);

/** A direct chat, once calls' projection knows it (through the outbox and the worker). */
async function directChat(a: Person, b: Person): Promise<string> {
  const chatId = (await a.devices[0]!.client.data('CreateDirectChat', { userId: b.id })).createDirectChat
    .id as string;
  await waitFor(() => callsDb.directChat.findUnique({ where: { chatId } }), 15_000, 'calls to know the chat');
  return chatId;
}

const startCall = async (device: Device, chatId: string, sdpOffer = fakeSdp()) =>
  (await device.client.data('StartCall', { input: { chatId, video: false, sdpOffer } }))
    .startCall as CallFields;
const answer = async (device: Device, callId: string, sdpAnswer = fakeSdp()) =>
  (await device.client.data('AnswerCall', { callId, sdpAnswer })).answerCall as CallFields;
const candidate = async (device: Device, callId: string, value = fakeCandidate()) => {
  await device.client.data('SendIceCandidate', { callId, candidate: value });
  return value;
};

/** The call's entries in chats' store that still carry an SDP or a candidate. */
const storedSignalling = (callId: string) =>
  chatsDb.$queryRaw<{ deviceId: string }[]>`
    SELECT "deviceId"::text AS "deviceId" FROM "chats"."InboxEntry"
    WHERE "kind" = 'CallSignal' AND "payload"->>'callId' = ${callId}
      AND ("payload"->>'sdp' IS NOT NULL OR "payload"->>'candidate' IS NOT NULL)`;

describe('calls through the inbox', () => {
  it('rings every device of the callee; the device that answers wins, the others hear ANSWERED_ELSEWHERE, the caller ANSWERED', async () => {
    const alice = await person();
    const bob = await person(2);
    const chatId = await directChat(alice, bob);
    const [bobPhone, bobTablet] = bob.devices as [Device, Device];
    const aliceInbox = inbox(alice.devices[0]!);
    const phoneInbox = inbox(bobPhone);
    const tabletInbox = inbox(bobTablet);
    await Promise.all([aliceInbox, phoneInbox, tabletInbox].map(caughtUp));

    const offer = fakeSdp();
    const call = await startCall(alice.devices[0]!, chatId, offer);
    for (const sub of [phoneInbox, tabletInbox])
      expect((await signal(sub, 'INCOMING', call.id)).event).toEqual({
        __typename: 'CallSignal',
        kind: 'INCOMING',
        sdp: offer,
        candidate: null,
        call,
      });
    // While it rings, the caller's candidates go to every device of the callee.
    const ringingCandidate = await candidate(alice.devices[0]!, call.id);
    for (const sub of [phoneInbox, tabletInbox])
      expect((await signal(sub, 'ICE_CANDIDATE', call.id)).event['candidate']).toBe(ringingCandidate);

    const sdpAnswer = fakeSdp();
    const answered = await answer(bobTablet, call.id, sdpAnswer);
    expect(answered.state).toBe('ACTIVE');
    expect((await callsDb.call.findUniqueOrThrow({ where: { id: call.id } })).answeredByDevice).toBe(
      bobTablet.deviceId,
    );
    expect((await signal(aliceInbox, 'ANSWERED', call.id)).event).toMatchObject({
      sdp: sdpAnswer,
      candidate: null,
      call: { id: call.id, state: 'ACTIVE' },
    });
    expect((await signal(phoneInbox, 'ANSWERED_ELSEWHERE', call.id)).event).toMatchObject({
      sdp: null,
      call: { id: call.id },
    });
    // Another device answering now is too late.
    expect(errorCode(await bobPhone.client.op('AnswerCall', { callId: call.id, sdpAnswer }))).toBe(
      'BAD_USER_INPUT',
    );

    // Once answered, the caller's candidates go to the answering device only; the callee's to
    // every device of the caller.
    const toTablet = await candidate(alice.devices[0]!, call.id);
    const toAlice = await candidate(bobTablet, call.id);
    await waitForEntry(tabletInbox, (e) => e.event['candidate'] === toTablet, 'the candidate on the tablet');
    expect((await signal(aliceInbox, 'ICE_CANDIDATE', call.id)).event['candidate']).toBe(toAlice);

    await alice.devices[0]!.client.data('EndCall', { callId: call.id });
    for (const sub of [aliceInbox, phoneInbox, tabletInbox])
      expect((await signal(sub, 'ENDED', call.id)).event['call']).toMatchObject({
        state: 'ENDED',
        endReason: 'HANGUP',
      });
    // Each device's signals of the call, in its order: nobody got what was not theirs.
    expect(kindsOf(aliceInbox, call.id)).toEqual(['ANSWERED', 'ICE_CANDIDATE', 'ENDED']);
    expect(kindsOf(phoneInbox, call.id)).toEqual([
      'INCOMING',
      'ICE_CANDIDATE',
      'ANSWERED_ELSEWHERE',
      'ENDED',
    ]);
    expect(kindsOf(tabletInbox, call.id)).toEqual(['INCOMING', 'ICE_CANDIDATE', 'ICE_CANDIDATE', 'ENDED']);
    // Ended: no stored entry of it keeps an SDP or a candidate.
    expect(await storedSignalling(call.id)).toEqual([]);
  });

  it('keeps what a callee was sent before it subscribed: resuming from an earlier cursor brings INCOMING and the candidates', async () => {
    const alice = await person();
    const bob = await person();
    const bobDevice = bob.devices[0]!;
    const aliceInbox = inbox(alice.devices[0]!);
    await caughtUp(aliceInbox);
    const first = inbox(bobDevice);
    await caughtUp(first);
    const chatId = await directChat(alice, bob);
    const joined = await waitForEntry(first, (e) => e.event.__typename === 'ChatJoined', 'ChatJoined');
    await first.socket.dispose();

    // Bob is away: the call rings, and Alice's candidates come, before his app subscribes.
    const offer = fakeSdp();
    const call = await startCall(alice.devices[0]!, chatId, offer);
    const sent = [await candidate(alice.devices[0]!, call.id), await candidate(alice.devices[0]!, call.id)];

    const back = inbox(bobDevice, joined.cursor);
    const done = await caughtUp(back);
    const backlog = entries(back).slice(0, entries(back).indexOf(done));
    expect(done.event['backlog']).toBe(3);
    expect(backlog.map((e) => [e.event['kind'], e.event['sdp'], e.event['candidate']])).toEqual([
      ['INCOMING', offer, null],
      ['ICE_CANDIDATE', null, sent[0]],
      ['ICE_CANDIDATE', null, sent[1]],
    ]);

    await answer(bobDevice, call.id);
    expect((await signal(aliceInbox, 'ANSWERED', call.id)).event['call'].state).toBe('ACTIVE');
    // Answered: the offer is kept nowhere (candidates stay in the inbox until the call ends).
    const [incoming] = await chatsDb.$queryRaw<{ sdp: string | null }[]>`
      SELECT "payload"->>'sdp' AS "sdp" FROM "chats"."InboxEntry"
      WHERE "deviceId" = ${bobDevice.deviceId}::uuid AND "payload"->>'callId' = ${call.id}
        AND "payload"->>'kind' = 'INCOMING'`;
    expect(incoming).toEqual({ sdp: null });
    await alice.devices[0]!.client.data('EndCall', { callId: call.id });
    await signal(back, 'ENDED', call.id);
  });

  it('moves no call when chats cannot store its signals: SERVICE_UNAVAILABLE, and it works again once chats is back', async () => {
    const alice = await person();
    const bob = await person();
    const chatId = await directChat(alice, bob);
    // Alice stays connected (the call is not left unattended); her inbox is read from the store.
    await caughtUp(inbox(alice.devices[0]!));
    const ringing = await startCall(alice.devices[0]!, chatId);
    const refused = async (result: Promise<unknown>) =>
      expect(errorCode((await result) as never)).toBe('SERVICE_UNAVAILABLE');

    await stack.restart('chats', async () => {
      await refused(bob.devices[0]!.client.op('AnswerCall', { callId: ringing.id, sdpAnswer: fakeSdp() }));
      await refused(
        alice.devices[0]!.client.op('SendIceCandidate', { callId: ringing.id, candidate: fakeCandidate() }),
      );
      await refused(alice.devices[0]!.client.op('EndCall', { callId: ringing.id }));
      expect(await callsDb.call.findUniqueOrThrow({ where: { id: ringing.id } })).toMatchObject({
        state: 'RINGING',
        answeredAt: null,
        answeredByDevice: null,
      });
    });

    await answer(bob.devices[0]!, ringing.id);
    await alice.devices[0]!.client.data('EndCall', { callId: ringing.id });
    const kinds = async (device: Device) =>
      (
        await chatsDb.$queryRaw<{ kind: string }[]>`
          SELECT "payload"->>'kind' AS "kind" FROM "chats"."InboxEntry"
          WHERE "deviceId" = ${device.deviceId}::uuid AND "payload"->>'callId' = ${ringing.id}
          ORDER BY "pos"`
      ).map((row) => row.kind);
    expect(await kinds(alice.devices[0]!)).toEqual(['ANSWERED', 'ENDED']);
    expect(await kinds(bob.devices[0]!)).toEqual(['INCOMING', 'ENDED']);

    // With chats down, a call does not start: nothing of it is left, the lines are free.
    await stack.restart('chats', async () => {
      const before = await callsDb.call.count({ where: { chatId } });
      await refused(
        alice.devices[0]!.client.op('StartCall', { input: { chatId, video: false, sdpOffer: fakeSdp() } }),
      );
      expect(await callsDb.call.count({ where: { chatId } })).toBe(before);
      expect(await callsDb.callLine.count({ where: { userId: { in: [alice.id, bob.id] } } })).toBe(0);
    });
  });

  it(`ends an ACTIVE call as FAILED once neither side has been connected for its time (${UNATTENDED_SECONDS} s here), not while one is`, async () => {
    const alice = await person();
    const bob = await person();
    const chatId = await directChat(alice, bob);
    const aliceInbox = inbox(alice.devices[0]!);
    const bobInbox = inbox(bob.devices[0]!);
    await Promise.all([aliceInbox, bobInbox].map(caughtUp));
    const call = await startCall(alice.devices[0]!, chatId);
    const incoming = await signal(bobInbox, 'INCOMING', call.id);
    await answer(bob.devices[0]!, call.id);
    await signal(aliceInbox, 'ANSWERED', call.id);

    // Alice goes away; Bob stays connected: the call goes on well past the timeout.
    await aliceInbox.socket.dispose();
    await new Promise((resolve) => setTimeout(resolve, UNATTENDED_SECONDS * 2_500));
    expect((await callsDb.call.findUniqueOrThrow({ where: { id: call.id } })).state).toBe('ACTIVE');

    // Bob goes too: nobody is left on it.
    await bobInbox.socket.dispose();
    const ended = await waitFor(
      async () => {
        const row = await callsDb.call.findUniqueOrThrow({ where: { id: call.id } });
        return row.state === 'ENDED' ? row : null;
      },
      UNATTENDED_SECONDS * 1000 + 10_000,
      'the call to end',
    );
    expect(ended!.endReason).toBe('FAILED');
    expect(await callsDb.callLine.count({ where: { callId: call.id } })).toBe(0);

    // Bob's device, back, finds the end in its inbox after what it had seen.
    const back = inbox(bob.devices[0]!, incoming.cursor);
    expect((await signal(back, 'ENDED', call.id)).event['call']).toMatchObject({
      state: 'ENDED',
      endReason: 'FAILED',
    });
    expect(await storedSignalling(call.id)).toEqual([]);
  });

  it('lets only calls (and the worker, which ends calls) append call signals to inboxes', async () => {
    const keys = { [GATEWAY_ISSUER]: stack.config.internalSigningKey, ...stack.config.serviceKeys };
    const appendAs = (issuer: keyof typeof keys) =>
      createClient(
        ChatsService,
        createRpcTransport({
          baseUrl: stack.subgraphs.chats.rpcUrl!,
          audience: 'chats',
          signer: createIdentitySigner({ issuer, key: keys[issuer] }),
        }),
      )
        .appendCallSignals({ callId: randomUUID(), chatId: randomUUID(), deliveries: [] })
        .then(
          () => 'ok',
          (error: unknown) => Code[ConnectError.from(error).code],
        );
    expect(
      await Promise.all(
        ([GATEWAY_ISSUER, 'users', 'chats', 'calls', 'worker'] as const).map((issuer) => appendAs(issuer)),
      ),
    ).toEqual(['PermissionDenied', 'PermissionDenied', 'PermissionDenied', 'ok', 'ok']);
  });
});
