// `npm run bench:inbox`: the inbox path (docs/devices-and-inbox.md) with the stack as separate
// processes (bench/support/processStack.ts).
//
// 1. Fan-out: a group of INBOX_MEMBERS members, one device each, every device subscribed with the
//    contract's `Inbox` document; messages sent with `SendMessage` one at a time, each waited for
//    until every member's device has it (or INBOX_WAIT_MS passed). Each member is counted once per
//    message: lost, duplicated and out-of-order deliveries are reported.
// 2. A device back after INBOX_BACKLOG entries: it leaves (its socket closed, its cursor kept) while
//    that many messages are sent to it through the API, then subscribes with its cursor: time to
//    `CaughtUp`, and whether every entry came before it, in order.
import { randomUUID } from 'node:crypto';
import { runBench, setting } from './support/benchRun.ts';
import { graphqlHttp, type GraphQLHttp } from './support/http.ts';
import { scrape } from './support/prometheus.ts';
import { projectDevices, seedUsers, type SeededUser } from './support/seed.ts';
import { openSocket, type BenchSocket } from './support/sockets.ts';
import { percentile } from './support/stats.ts';
import { cpuDelta, cpuPerUnit } from './support/cpu.ts';
import { mapLimit, sleep, waitUntil } from './support/async.ts';
import type { ProcessStack } from './support/processStack.ts';

const MEMBERS = setting('INBOX_MEMBERS', 1000);
const MESSAGES = setting('INBOX_MESSAGES', 20);
const WARMUP_MESSAGES = setting('INBOX_WARMUP_MESSAGES', 20);
const WAIT_MS = setting('INBOX_WAIT_MS', 30_000);
const BACKLOG = setting('INBOX_BACKLOG', 10_000);
/** SendMessage requests under way at once while the away device's backlog is written. */
const BACKLOG_CONCURRENCY = setting('INBOX_BACKLOG_CONCURRENCY', 16);
const PARTS = new Set((process.env['INBOX_PARTS'] ?? 'fanout,back').split(','));

interface Entry {
  cursor: string;
  event: { __typename: string; backlog?: number; message?: { seq: number; chat: { id: string } } };
}

/** One device's `Inbox` subscription, with what it received. */
function inboxOf(socket: BenchSocket, after: string | null) {
  const state = {
    entries: [] as { at: number; entry: Entry }[],
    errors: 0,
    caughtUp: undefined as number | undefined,
  };
  socket.subscribe<{ inbox: Entry }>(
    'Inbox',
    { after },
    (result) => {
      const at = performance.now();
      const entry = result.data?.inbox;
      if (!entry || result.errors?.length) return void (state.errors += 1);
      state.entries.push({ at, entry });
      if (entry.event.__typename === 'CaughtUp' && state.caughtUp === undefined) state.caughtUp = at;
    },
    () => (state.errors += 1),
  );
  return state;
}

const sendMessage = async (http: GraphQLHttp, token: string, chatId: string, body: string) =>
  (
    await http.data<{ sendMessage: { seq: number } }>(
      'SendMessage',
      { input: { chatId, clientId: randomUUID(), body } },
      token,
    )
  ).sendMessage.seq;

await runBench('inbox', async (run) => {
  const people = await seedUsers(run.usersDb, MEMBERS + 3, 'Member');
  await projectDevices(run.databaseUrl, people);
  // Creating the 1,000-member group (its members and a ChatJoined entry per device, in one
  // transaction) can outlast the default 5 s per subgraph call on a busy 2-core machine.
  const stack = await run.startStack({ gatewayEnv: { SUBGRAPH_TIMEOUT_MS: '60000' } });
  const http = graphqlHttp(stack.gatewayUrl);
  run.defer(() => http.close());
  const [sender, writer, away, ...members] = people as [SeededUser, SeededUser, SeededUser, ...SeededUser[]];
  if (PARTS.has('fanout')) await fanOut(stack, http, sender, members, run.databaseName);
  if (PARTS.has('back')) await deviceBack(stack, http, writer, away);
});

async function fanOut(
  stack: ProcessStack,
  http: GraphQLHttp,
  sender: SeededUser,
  members: SeededUser[],
  databaseName: string,
) {
  console.log(
    `  fan-out: ${members.length} members, one device each, Inbox (the contract document); ` +
      `${MESSAGES} messages after ${WARMUP_MESSAGES} to warm up, one at a time`,
  );
  const chatId = (
    await http.data<{ createGroup: { id: string } }>(
      'CreateGroup',
      { input: { title: `Inbox fan-out ${members.length}`, memberIds: members.map((m) => m.id) } },
      sender.token,
    )
  ).createGroup.id;
  const sockets: BenchSocket[] = [];
  /** Per member: the seqs of this chat's MessageAdded entries it received, in arrival order. */
  const seqs = members.map(() => [] as number[]);
  /** Per message seq: when each member first received it. */
  const receipts = new Map<number, number[]>();
  let duplicated = 0;
  let outOfOrder = 0;
  let errors = 0;
  let caughtUp = 0;
  /** Subscriptions that ended (an error): what they miss is lost, but not waited for. */
  let ended = 0;
  await mapLimit(members, 100, async (member, i) => {
    // Eight loopback addresses, as bench:connections: no per-address limit binds.
    const socket = openSocket({
      url: stack.gatewayUrl,
      token: member.token,
      localAddress: `127.0.0.${(i % 8) + 1}`,
    });
    sockets.push(socket);
    await socket.connected;
    const mine = seqs[i]!;
    socket.subscribe<{ inbox: Entry }>(
      'Inbox',
      { after: null },
      (result) => {
        const at = performance.now();
        const entry = result.data?.inbox;
        if (!entry || result.errors?.length) return void (errors += 1);
        const message = entry.event.message;
        if (entry.event.__typename === 'CaughtUp') return void (caughtUp += 1);
        if (entry.event.__typename !== 'MessageAdded' || message?.chat.id !== chatId) return;
        if (mine.includes(message.seq)) return void (duplicated += 1);
        if (mine.length > 0 && message.seq < mine.at(-1)!) outOfOrder += 1;
        mine.push(message.seq);
        const list = receipts.get(message.seq) ?? [];
        list.push(at);
        receipts.set(message.seq, list);
      },
      (error) => {
        errors += 1;
        ended += 1;
        console.log(`    member ${i}'s subscription ended: ${JSON.stringify(error).slice(0, 300)}`);
      },
    );
  });
  await waitUntil(() => caughtUp >= members.length, 120_000, `${members.length} subscriptions caught up`);

  let lost = 0;
  const send = async () => {
    const sentAt = performance.now();
    const seq = await sendMessage(http, sender.token, chatId, 'How is everyone?');
    const answeredAt = performance.now();
    const deadline = sentAt + WAIT_MS;
    while ((receipts.get(seq)?.length ?? 0) < members.length - ended && performance.now() < deadline)
      await sleep(1);
    lost += members.length - (receipts.get(seq)?.length ?? 0);
    return { seq, sentAt, answeredAt };
  };
  for (let i = 0; i < WARMUP_MESSAGES; i += 1) await send();
  lost = 0;

  const metricsBefore = await scrape(stack.gatewayMetricsUrl);
  const cpuBefore = stack.cpu(databaseName);
  const fromRequest: number[] = [];
  const fromResponse: number[] = [];
  const started = performance.now();
  for (let i = 0; i < MESSAGES; i += 1) {
    const { seq, sentAt, answeredAt } = await send();
    for (const at of receipts.get(seq) ?? []) {
      fromRequest.push(at - sentAt);
      fromResponse.push(at - answeredAt);
    }
  }
  const elapsed = performance.now() - started;
  const cpu = cpuPerUnit(cpuDelta(cpuBefore, stack.cpu(databaseName)), fromRequest.length);
  const resolutions =
    (await scrape(stack.gatewayMetricsUrl)).get('gateway_subscription_resolutions_total') -
    metricsBefore.get('gateway_subscription_resolutions_total');
  fromRequest.sort((a, b) => a - b);
  fromResponse.sort((a, b) => a - b);
  const line = (name: string, sorted: number[]) =>
    `    ${name}: p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms, ` +
    `max ${(sorted.at(-1) ?? Number.NaN).toFixed(1)} ms`;
  console.log(`    deliveries/s: ${Math.round(fromRequest.length / (elapsed / 1000))}`);
  console.log(line('latency from just before the SendMessage request', fromRequest));
  console.log(line('latency from the SendMessage response', fromResponse));
  console.log(
    `    lost ${lost}, duplicated ${duplicated}, out of order ${outOfOrder}, errors ${errors} ` +
      `(${ended} subscriptions ended); ` +
      `resolutions per message ${(resolutions / MESSAGES).toFixed(1)}`,
  );
  const ms = (name: string) => (cpu[name] ?? 0).toFixed(3);
  console.log(
    `    CPU ms per delivery: gateway ${ms('gateway')}, chats ${ms('chats')}, users ${ms('users')}, ` +
      `postgres ${ms('postgres')} (bench db ${ms('postgres (bench db)')}), redis ${ms('redis')}, ` +
      `all ${ms('total')}; bench client ${ms('bench client')}`,
  );
  await Promise.all(sockets.map((socket) => socket.client.dispose()));
}

async function deviceBack(stack: ProcessStack, http: GraphQLHttp, writer: SeededUser, away: SeededUser) {
  console.log(`  device back after ${BACKLOG} entries (messages in a direct chat, through the API)`);
  const chatId = (
    await http.data<{ createDirectChat: { id: string } }>(
      'CreateDirectChat',
      { userId: away.id },
      writer.token,
    )
  ).createDirectChat.id;
  // Online once, to hold a cursor: the entry of a first message.
  const first = openSocket({ url: stack.gatewayUrl, token: away.token });
  await first.connected;
  const before = inboxOf(first, null);
  await waitUntil(() => before.caughtUp !== undefined, 30_000, 'the away device caught up');
  const firstSeq = await sendMessage(http, writer.token, chatId, 'before');
  const seen = (await waitUntil(
    () => before.entries.find(({ entry }) => entry.event.message?.seq === firstSeq)?.entry,
    30_000,
    'the first message',
  ))!;
  await first.client.dispose();

  const writing = performance.now();
  let sent = 0;
  await mapLimit(
    Array.from({ length: BACKLOG }, (_, i) => i),
    BACKLOG_CONCURRENCY,
    async (i) => {
      await sendMessage(http, writer.token, chatId, `while away ${i}`);
      sent += 1;
    },
  );
  const wrote = performance.now() - writing;
  console.log(
    `    written: ${sent} messages in ${(wrote / 1000).toFixed(1)} s (${Math.round(sent / (wrote / 1000))}/s, ${BACKLOG_CONCURRENCY} at once)`,
  );

  const socket = openSocket({ url: stack.gatewayUrl, token: away.token });
  const subscribing = performance.now();
  await socket.connected;
  const back = inboxOf(socket, seen.cursor);
  await waitUntil(() => back.caughtUp !== undefined || back.errors > 0, 300_000, 'CaughtUp');
  const caughtUpAfter = (back.caughtUp ?? Number.NaN) - subscribing;
  const backlog = back.entries.slice(
    0,
    back.entries.findIndex(({ entry }) => entry.event.__typename === 'CaughtUp'),
  );
  const backlogSeqs = backlog.flatMap(({ entry }) => entry.event.message?.seq ?? []);
  const expected = Array.from({ length: BACKLOG }, (_, i) => firstSeq + 1 + i);
  const inOrder = backlogSeqs.every((seq, i) => seq === expected[i]);
  const told = back.entries.find(({ entry }) => entry.event.__typename === 'CaughtUp')?.entry.event.backlog;
  console.log(
    `    CaughtUp ${(caughtUpAfter / 1000).toFixed(2)} s after connecting; ${backlogSeqs.length} of ${BACKLOG} ` +
      `messages before it (${backlog.length} entries, CaughtUp.backlog ${told}), ` +
      `${inOrder && backlogSeqs.length === BACKLOG ? 'all, in order, no duplicate' : 'NOT all in order'}, errors ${back.errors}`,
  );
  await socket.client.dispose();
}
