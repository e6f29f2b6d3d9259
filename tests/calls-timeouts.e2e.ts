import { redisConnection } from '@switchboard/messaging';
import { createWorker } from '@switchboard/worker';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  directChat,
  fakeSdp,
  listenForCalls,
  nthEvent,
  openCallsDb,
  type CallFields,
  type User,
} from './support/calls.ts';
import { Client, signUp } from './support/client.ts';
import { startStack, workerConfig, type Stack } from './support/stack.ts';
import { waitFor } from './support/wait.ts';

/** Short, but long enough for the answer in the last test to land in time on a busy machine. */
const RING_SECONDS = 3;

let stack: Stack;
let anonymous: Client;
let callsDb: ReturnType<typeof openCallsDb>;
let redis: ReturnType<typeof redisConnection>;
let timeouts: Queue;
let worker: ReturnType<typeof createWorker> | undefined;
const sockets: { dispose(): void | Promise<void> }[] = [];

/** The worker as the stack would run it; here the tests stop and start it. */
async function startWorker() {
  worker = createWorker(
    workerConfig(stack.config, stack.subgraphs.presence.rpcUrl, stack.subgraphs.chats.rpcUrl!),
  );
  await worker.start();
}

beforeAll(async () => {
  stack = await startStack({ worker: false, calls: { ringTimeoutSeconds: RING_SECONDS } });
  anonymous = new Client(stack.gateway.url);
  callsDb = openCallsDb(stack.config.databaseUrls.calls);
  redis = redisConnection(stack.config.redisUrl);
  timeouts = new Queue('calls-timeouts', { connection: redis, prefix: stack.config.queuePrefix });
  await startWorker();
});
afterAll(async () => {
  await Promise.all(sockets.map((socket) => socket.dispose()));
  await worker?.stop();
  await timeouts?.close();
  redis?.disconnect();
  await callsDb?.$disconnect();
  await stack?.stop();
});

/**
 * Alice calls Bob; `beforeCall` runs first (subscribing there hears the end, however soon it comes).
 */
async function ringing(
  beforeCall: (alice: User, bob: User) => Promise<void> = async () => {},
): Promise<{ alice: User; bob: User; call: CallFields; jobId: string }> {
  const [alice, bob] = await Promise.all([signUp(anonymous, 'Alice'), signUp(anonymous, 'Bob')]);
  const chatId = await directChat(callsDb, alice, bob);
  await beforeCall(alice, bob);
  const call = (
    await alice.client.data('StartCall', { input: { chatId, video: false, sdpOffer: fakeSdp() } })
  ).startCall as CallFields;
  // The timeout job is CallStarted's, under its event id.
  const { eventId } = await callsDb.outboxEvent.findFirstOrThrow({
    where: { type: 'CallStarted', payload: { path: ['callId'], equals: call.id } },
  });
  return { alice, bob, call, jobId: eventId };
}

const ringsUntil = async (callId: string) =>
  (await callsDb.call.findUniqueOrThrow({ where: { id: callId } })).ringsUntil.getTime();

describe('a call nobody answers', () => {
  it('ends as MISSED for both sides once it has rung its time', async () => {
    let aliceEvents!: Awaited<ReturnType<typeof listenForCalls>>;
    let bobEvents!: Awaited<ReturnType<typeof listenForCalls>>;
    const { alice, bob, call } = await ringing(async (alice, bob) => {
      aliceEvents = await listenForCalls(alice, stack.gateway, sockets);
      bobEvents = await listenForCalls(bob, stack.gateway, sockets);
    });
    // Bob's INCOMING first, then the end.
    expect(await nthEvent(bobEvents, 1)).toMatchObject({ kind: 'INCOMING', call: { id: call.id } });
    const ended = await nthEvent(aliceEvents, 1, 15_000);
    expect(ended).toMatchObject({
      kind: 'ENDED',
      call: { id: call.id, state: 'ENDED', endReason: 'MISSED' },
    });
    expect(Date.parse(ended.call.endedAt!)).toBeGreaterThanOrEqual(await ringsUntil(call.id));
    expect(Date.parse(ended.call.endedAt!) - Date.parse(call.startedAt)).toBeGreaterThanOrEqual(
      RING_SECONDS * 1000,
    );
    expect(await nthEvent(bobEvents, 2, 15_000)).toMatchObject({
      kind: 'ENDED',
      call: { endReason: 'MISSED' },
    });
    const history = (await bob.client.data('CallHistory', {})).calls.edges;
    expect(history.map((edge: { node: CallFields }) => edge.node.endReason)).toEqual(['MISSED']);
    // Both lines are free again.
    expect(await callsDb.callLine.count({ where: { userId: { in: [alice.id, bob.id] } } })).toBe(0);
  });

  it('is ended by a delayed BullMQ job, which survives a worker restart', async () => {
    let aliceEvents!: Awaited<ReturnType<typeof listenForCalls>>;
    const { call, jobId } = await ringing(async (alice) => {
      aliceEvents = await listenForCalls(alice, stack.gateway, sockets);
    });
    await waitFor(async () => (await timeouts.getJobState(jobId)) === 'delayed', 10_000, 'the delayed job');
    await worker!.stop();
    // The deadline passes with no worker running: nothing ends the call meanwhile.
    const deadline = await ringsUntil(call.id);
    await waitFor(() => Date.now() > deadline + 200, RING_SECONDS * 1000 + 5_000, 'the deadline');
    expect((await callsDb.call.findUniqueOrThrow({ where: { id: call.id } })).state).toBe('RINGING');

    await startWorker();
    expect(await nthEvent(aliceEvents, 1, 15_000)).toMatchObject({
      kind: 'ENDED',
      call: { id: call.id, endReason: 'MISSED' },
    });
    await waitFor(
      async () => (await timeouts.getJobState(jobId)) === 'completed',
      10_000,
      'the job to complete',
    );
  });

  it('leaves an answered call alone', async () => {
    const { bob, call, jobId } = await ringing();
    await bob.client.data('AnswerCall', { callId: call.id, sdpAnswer: fakeSdp() });
    await waitFor(
      async () => (await timeouts.getJobState(jobId)) === 'completed',
      15_000,
      'the job to complete',
    );
    expect((await callsDb.call.findUniqueOrThrow({ where: { id: call.id } })).state).toBe('ACTIVE');
    await bob.client.data('EndCall', { callId: call.id });
  });
});
