// `npm run bench:e2e`: the whole stack as separate processes (as `npm start` runs it), BENCH_USERS
// users in 1:1 direct chats, each with BENCH_DEVICES devices (default 2), every device holding one
// socket with the contract's `Inbox` subscription. Open-loop sends at BENCH_RATE messages/s over
// HTTP: every message must reach every device of its sender and of its recipient, once, in seq
// order. Reports achieved rate, send->receive latency (each recipient device), lost, duplicated
// and out-of-order deliveries, sendMessage latency, and CPU ms per message per process.
// BENCH_FIND=1 steps the rate up and reports the highest one the stack sustains.
import { randomUUID } from 'node:crypto';
import { consumerQueues, redisConnection } from '@switchboard/messaging';
import pg from 'pg';
import { mapLimit, sleep, waitUntil } from './support/async.ts';
import { loadAverage, runBench, setting, type BenchRun } from './support/benchRun.ts';
import { cpuDelta, cpuPerUnit, formatCpu } from './support/cpu.ts';
import { failure, graphqlHttp, type GraphQLHttp } from './support/http.ts';
import { SUBGRAPHS, type ProcessStack } from './support/processStack.ts';
import { scrape } from './support/prometheus.ts';
import { addDevices, projectDevices, seedUsers, type SeededUser } from './support/seed.ts';
import { openSocket, type BenchSocket } from './support/sockets.ts';
import { ms, round, summarize, type Summary } from './support/stats.ts';

const USERS = Math.max(2, Math.floor(setting('BENCH_USERS', 200) / 2) * 2);
const DEVICES = Math.max(1, setting('BENCH_DEVICES', 2));
/** Deliveries each message owes: every device of its sender and of its recipient. */
const EXPECTED = 2 * DEVICES;
const RATE = setting('BENCH_RATE', 50);
const SECONDS = setting('BENCH_SECONDS', 20);
const WARMUP_SECONDS = setting('BENCH_WARMUP_SECONDS', 15);
// Sends ramp up linearly from nothing to the rate over the warm-up's first RAMP_SECONDS: freshly
// started processes are cold (V8 has not optimized the hot paths yet), and 300/s at once made the
// first ~10 s run at several times the steady latency, a backlog that spilled into the window.
const RAMP_SECONDS = Math.min(setting('BENCH_RAMP_SECONDS', WARMUP_SECONDS / 2), WARMUP_SECONDS);
const DRAIN_SECONDS = setting('BENCH_DRAIN_SECONDS', 10);
const MAX_IN_FLIGHT = setting('BENCH_MAX_IN_FLIGHT', 2000);
const P99_BOUND_MS = setting('BENCH_P99_BOUND_MS', 100);
const FIND = process.env['BENCH_FIND'] === '1';
const FIND_RATES = (process.env['BENCH_FIND_RATES'] ?? '50,100,150,200,300,400,500,600,800,1000,1200,1500')
  .split(',')
  .map(Number);

/** One message sent, and which of its two inboxes have seen it. */
interface Sent {
  step: Step;
  sender: number;
  recipient: number;
  /** Just before the HTTP request. */
  sentAt: number;
  /** Sent inside the measured window (not warm-up). */
  measured: boolean;
  state: 'in flight' | 'ok' | 'failed';
  /** Devices (their global index) that received it. */
  seen: Set<number>;
  /** The message's chat and number, once answered (to name a lost delivery). */
  chatId?: string;
  seq?: number;
}

/** What an Inbox payload carries that is counted here. */
interface InboxEntry {
  event: { __typename: string; message?: { clientId: string; seq: number } };
}

interface BacklogSample {
  /** Deliveries expected and not yet seen. */
  outstanding: number;
  inFlight: number;
  /** BullMQ jobs waiting, prioritized or active, over every consumer queue. */
  queued: number;
  /** Outbox rows not yet relayed, over every subgraph. */
  outbox: number;
}

interface Step {
  rate: number;
  /** Sends skipped because MAX_IN_FLIGHT requests were already open. */
  capHits: number;
  /** SendMessage answered without errors, inside the window. */
  okInWindow: number;
  errors: Map<string, number>;
  /** Send -> recipient's receipt, ms, of messages sent inside the window. */
  endToEnd: number[];
  /** SendMessage request -> response, ms, inside the window. */
  sendLatency: number[];
  duplicated: number;
  /** Deliveries to a subscriber who is in neither the sender's nor the recipient's place. */
  misdelivered: number;
  /** A message a device received after a later one of the same chat. */
  outOfOrder: number;
  outstanding: number;
  inFlight: number;
  messages: Sent[];
  backlog: BacklogSample[];
}

interface StepResult {
  rate: number;
  achieved: number;
  deliveredPerSecond: number;
  endToEnd: Summary;
  sendMessage: Summary;
  lost: number;
  duplicated: number;
  misdelivered: number;
  outOfOrder: number;
  errors: Record<string, number>;
  capHits: number;
  backlogGrowing: string[];
  cpuMsPerMessage: Record<string, number>;
  sustained: boolean;
  reasons: string[];
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

/** Whether a backlog grew over the window: the last third's mean well above the first third's. */
function grew(values: number[], slack: number): string | undefined {
  const third = Math.floor(values.length / 3);
  if (third === 0) return undefined;
  const first = mean(values.slice(0, third));
  const last = mean(values.slice(-third));
  return last > first * 1.5 + slack ? `${Math.round(first)} -> ${Math.round(last)}` : undefined;
}

async function main(run: BenchRun) {
  console.log(
    `  ${USERS} users in ${USERS / 2} direct chats, ${DEVICES} devices each, one Inbox subscription per device; ${FIND ? `rates ${FIND_RATES.join(', ')}/s` : `${RATE} messages/s`}, ` +
      `${WARMUP_SECONDS} s warm-up + ${SECONDS} s measured + up to ${DRAIN_SECONDS} s drain`,
  );
  const users = await seedUsers(run.usersDb, USERS);
  const devicesOf = await addDevices(run.usersDb, users, DEVICES - 1);
  await projectDevices(run.databaseUrl, devicesOf.flat());
  const stack = await run.startStack();
  const http = graphqlHttp(stack.gatewayUrl);
  run.defer(() => http.close());
  const chats = await mapLimit(
    Array.from({ length: USERS / 2 }, (_, i) => i),
    8,
    async (pair) =>
      (
        await http.data<{ createDirectChat: { id: string } }>(
          'CreateDirectChat',
          { userId: users[2 * pair + 1]!.id },
          users[2 * pair]!.token,
        )
      ).createDirectChat.id,
  );

  const registry = new Map<string, Sent>();
  let unexpected = 0;
  let subscriptionErrors = 0;
  let socketsClosed = 0;
  let closing = false;
  /** Per device (global index), the last seq it received (each device is in one chat). */
  const lastSeq = new Map<number, number>();
  const onDelivery = (
    subscriber: number,
    device: number,
    result: { data?: { inbox?: InboxEntry } | null },
  ) => {
    const at = performance.now();
    const event = result.data?.inbox?.event;
    if (!event) {
      subscriptionErrors += 1;
      return;
    }
    // ChatJoined, CaughtUp, receipts: owed too, not what is counted here.
    if (event.__typename !== 'MessageAdded' || !event.message) return;
    const sent = registry.get(event.message.clientId);
    if (!sent) {
      unexpected += 1;
      return;
    }
    const { step } = sent;
    if (subscriber !== sent.recipient && subscriber !== sent.sender) return void (step.misdelivered += 1);
    if (sent.seen.has(device)) return void (step.duplicated += 1);
    sent.seen.add(device);
    if (event.message.seq <= (lastSeq.get(device) ?? 0)) step.outOfOrder += 1;
    else lastSeq.set(device, event.message.seq);
    if (subscriber === sent.recipient && sent.measured) step.endToEnd.push(at - sent.sentAt);
    if (sent.state !== 'failed') step.outstanding -= 1;
  };
  const sockets: BenchSocket[] = [];
  run.defer(async () => {
    closing = true;
    await Promise.all(sockets.map((socket) => socket.client.dispose()));
  });
  const devices = devicesOf.flatMap((own, user) => own.map((device) => ({ user, device })));
  await mapLimit(devices, 50, async ({ user, device }, index) => {
    const socket = openSocket({
      url: stack.gatewayUrl,
      token: device.token,
      onClosed: () => {
        if (!closing) socketsClosed += 1;
      },
    });
    sockets.push(socket);
    await socket.connected;
    socket.subscribe<{ inbox: InboxEntry }>(
      'Inbox',
      { after: null },
      (result) => onDelivery(user, index, result),
      () => (subscriptionErrors += 1),
    );
  });
  await waitUntil(
    async () => (await scrape(stack.gatewayMetricsUrl)).get('gateway_subscriptions_active') >= devices.length,
    60_000,
    `${devices.length} inbox subscriptions at the gateway`,
  );

  const backlogProbe = createBacklogProbe(run);
  run.defer(() => backlogProbe.close());
  const results: StepResult[] = [];
  for (const rate of FIND ? FIND_RATES : [RATE]) {
    const { result, cpuTable } = await runStep(rate, {
      run,
      stack,
      http,
      users,
      chats,
      registry,
      backlogProbe,
    });
    stack.assertAlive();
    results.push(result);
    printStep(result, cpuTable);
    if (FIND && !result.sustained) break;
    if (FIND) await sleep(2000);
  }
  if (unexpected + subscriptionErrors + socketsClosed > 0)
    console.log(
      `  unexpected payloads ${unexpected}, subscription errors ${subscriptionErrors}, sockets closed ${socketsClosed}`,
    );
  const sustained = results.filter((r) => r.sustained).map((r) => r.rate);
  const highest = sustained.length > 0 ? Math.max(...sustained) : null;
  if (FIND) console.log(`\n  highest sustained rate: ${highest ?? 'none'}${highest ? ' messages/s' : ''}`);
  console.log(
    JSON.stringify({
      bench: 'e2e',
      date: new Date().toISOString(),
      load: loadAverage(),
      users: USERS,
      devicesPerUser: DEVICES,
      seconds: SECONDS,
      p99BoundMs: P99_BOUND_MS,
      steps: results,
      highestSustained: highest,
      unexpected,
      subscriptionErrors,
      socketsClosed,
    }),
  );
}

interface StepDeps {
  run: BenchRun;
  stack: ProcessStack;
  http: GraphQLHttp;
  users: SeededUser[];
  chats: string[];
  registry: Map<string, Sent>;
  backlogProbe: ReturnType<typeof createBacklogProbe>;
}

async function runStep(rate: number, deps: StepDeps): Promise<{ result: StepResult; cpuTable: string[] }> {
  const { run, stack, http, users, chats, registry } = deps;
  const step: Step = {
    rate,
    capHits: 0,
    okInWindow: 0,
    errors: new Map(),
    endToEnd: [],
    sendLatency: [],
    duplicated: 0,
    misdelivered: 0,
    outOfOrder: 0,
    outstanding: 0,
    inFlight: 0,
    messages: [],
    backlog: [],
  };
  const fail = (sent: Sent, problem: string) => {
    sent.state = 'failed';
    step.outstanding -= EXPECTED - sent.seen.size;
    step.errors.set(problem, (step.errors.get(problem) ?? 0) + 1);
  };
  const started = performance.now();
  const windowStart = started + WARMUP_SECONDS * 1000;
  const windowEnd = windowStart + SECONDS * 1000;

  const send = () => {
    if (step.inFlight >= MAX_IN_FLIGHT) return void (step.capHits += 1);
    const sender = Math.floor(Math.random() * users.length);
    const clientId = randomUUID();
    const sentAt = performance.now();
    const sent: Sent = {
      step,
      sender,
      recipient: sender ^ 1, // pairs are (0, 1), (2, 3), ...
      sentAt,
      measured: sentAt >= windowStart && sentAt < windowEnd,
      state: 'in flight',
      seen: new Set(),
    };
    registry.set(clientId, sent);
    step.messages.push(sent);
    step.outstanding += EXPECTED;
    step.inFlight += 1;
    http
      .op<{ sendMessage: { id: string; seq: number } | null }>(
        'SendMessage',
        { input: { chatId: chats[sender >> 1], clientId, body: `Message ${clientId.slice(0, 8)}` } },
        users[sender]!.token,
      )
      .then(
        (result) => {
          const at = performance.now();
          step.inFlight -= 1;
          const problem = failure(result) ?? (result.body.data?.sendMessage ? undefined : 'no data');
          if (problem) return fail(sent, problem);
          sent.state = 'ok';
          sent.chatId = chats[sender >> 1];
          sent.seq = result.body.data!.sendMessage!.seq;
          if (sent.measured) step.sendLatency.push(at - sentAt);
          if (at >= windowStart && at < windowEnd) step.okInWindow += 1;
        },
        (error: Error & { code?: string }) => {
          step.inFlight -= 1;
          fail(sent, error.code ?? error.message);
        },
      );
  };

  // CPU is read at the window's edges; the backlog once a second inside it.
  let cpuStart: { at: number; sample: ReturnType<ProcessStack['cpu']> } | undefined;
  let cpuEnd: typeof cpuStart;
  const timers = [
    setTimeout(
      () => (cpuStart = { at: performance.now(), sample: stack.cpu(run.databaseName) }),
      windowStart - started,
    ),
    setTimeout(
      () => (cpuEnd = { at: performance.now(), sample: stack.cpu(run.databaseName) }),
      windowEnd - started,
    ),
  ];
  const sampler = setInterval(() => {
    const now = performance.now();
    if (now < windowStart || now >= windowEnd) return;
    const { outstanding, inFlight } = step;
    deps.backlogProbe.read().then(
      (probe) => step.backlog.push({ outstanding, inFlight, ...probe }),
      (error) => console.error('reading the backlog failed:', error),
    );
  }, 1000);

  // Open loop: the schedule decides when each send starts, never a previous send's answer.
  // Sends due by t seconds: rate * t^2 / (2 * ramp) while ramping, rate * (t - ramp / 2) after.
  const dueBy = (t: number) =>
    t < RAMP_SECONDS ? (rate * t * t) / (2 * RAMP_SECONDS) : rate * (t - RAMP_SECONDS / 2);
  const dueAt = (n: number) =>
    n < (rate * RAMP_SECONDS) / 2 ? Math.sqrt((2 * RAMP_SECONDS * n) / rate) : n / rate + RAMP_SECONDS / 2;
  const total = Math.round(dueBy(WARMUP_SECONDS + SECONDS));
  let issued = 0;
  while (issued < total) {
    const due = Math.min(total, Math.floor(dueBy((performance.now() - started) / 1000)) + 1);
    while (issued < due) {
      send();
      issued += 1;
    }
    await sleep(Math.max(0, started + dueAt(issued) * 1000 - performance.now()));
  }
  await sleep(Math.max(0, windowEnd - performance.now()) + 5);
  clearInterval(sampler);
  timers.forEach(clearTimeout);
  const drainDeadline = performance.now() + DRAIN_SECONDS * 1000;
  while ((step.inFlight > 0 || step.outstanding > 0) && performance.now() < drainDeadline) await sleep(50);

  let lost = 0;
  const lostOnes: string[] = [];
  for (const sent of step.messages) {
    if (sent.state === 'ok') {
      const missing = EXPECTED - sent.seen.size;
      lost += missing;
      if (missing > 0 && lostOnes.length < 10)
        lostOnes.push(
          `chat ${sent.chatId} seq ${sent.seq} sent at +${round((sent.sentAt - started) / 1000, 2)} s, ` +
            `seen by ${sent.seen.size} of its ${EXPECTED} devices`,
        );
    }
    if (sent.state === 'in flight') fail(sent, `no answer within the ${DRAIN_SECONDS} s drain`);
  }
  for (const line of lostOnes) console.log(`    lost: ${line}`);
  const windowMs = cpuEnd && cpuStart ? cpuEnd.at - cpuStart.at : SECONDS * 1000;
  const cpu = cpuEnd && cpuStart ? cpuDelta(cpuStart.sample, cpuEnd.sample) : {};
  const messages = Math.max(1, step.okInWindow);
  const endToEnd = summarize(step.endToEnd);
  const achieved = step.okInWindow / SECONDS;
  const backlogGrowing = [
    [
      'deliveries outstanding',
      grew(
        step.backlog.map((b) => b.outstanding),
        rate,
      ),
    ],
    [
      'sends in flight',
      grew(
        step.backlog.map((b) => b.inFlight),
        rate / 2,
      ),
    ],
    [
      'queued jobs',
      grew(
        step.backlog.map((b) => b.queued),
        rate,
      ),
    ],
    [
      'outbox rows',
      grew(
        step.backlog.map((b) => b.outbox),
        rate,
      ),
    ],
  ]
    .filter(([, growth]) => growth !== undefined)
    .map(([what, growth]) => `${what} ${growth}`);
  const errors = Object.fromEntries(step.errors);
  const errorCount = Object.values(errors).reduce((a, b) => a + b, 0);
  const reasons = [
    ...(achieved < 0.95 * rate ? [`achieved ${Math.round((achieved / rate) * 100)}% of the target`] : []),
    ...(!(endToEnd.p99 <= P99_BOUND_MS) ? [`p99 ${Math.round(endToEnd.p99)} ms > ${P99_BOUND_MS} ms`] : []),
    ...(lost > 0 ? [`${lost} lost`] : []),
    ...(step.duplicated > 0 ? [`${step.duplicated} duplicated`] : []),
    ...(step.misdelivered > 0 ? [`${step.misdelivered} misdelivered`] : []),
    ...(step.outOfOrder > 0 ? [`${step.outOfOrder} out of order`] : []),
    ...(errorCount > 0 ? [`${errorCount} errors`] : []),
    ...(step.capHits > 0 ? [`in-flight cap hit ${step.capHits} times`] : []),
    ...backlogGrowing.map((growth) => `backlog grows: ${growth}`),
  ];
  const result: StepResult = {
    rate,
    achieved: round(achieved),
    deliveredPerSecond: round(
      step.messages.filter((s) => s.measured && s.seen.size === EXPECTED).length / SECONDS,
    ),
    endToEnd,
    sendMessage: summarize(step.sendLatency),
    lost,
    duplicated: step.duplicated,
    misdelivered: step.misdelivered,
    outOfOrder: step.outOfOrder,
    errors,
    capHits: step.capHits,
    backlogGrowing,
    cpuMsPerMessage: cpuPerUnit(cpu, messages),
    sustained: reasons.length === 0,
    reasons,
  };
  return { result, cpuTable: formatCpu(cpu, messages, 'message', windowMs) };
}

function printStep(result: StepResult, cpuTable: string[]) {
  const { endToEnd: e, sendMessage: s } = result;
  console.log(
    `\n  target ${result.rate}/s: achieved ${result.achieved}/s, messages reaching every device ${result.deliveredPerSecond}/s`,
  );
  console.log(
    `    send->receive ms   p50 ${ms(e.p50)}  p99 ${ms(e.p99)}  max ${ms(e.max)}  (${e.count} messages)`,
  );
  console.log(`    sendMessage ms     p50 ${ms(s.p50)}  p99 ${ms(s.p99)}`);
  console.log(
    `    lost ${result.lost}, duplicated ${result.duplicated}, out of order ${result.outOfOrder}, misdelivered ${result.misdelivered}, ` +
      `errors ${JSON.stringify(result.errors)}, in-flight cap hits ${result.capHits}`,
  );
  console.log(`    ${result.sustained ? 'sustained' : `not sustained: ${result.reasons.join('; ')}`}`);
  console.log(`    CPU per message over the window:`);
  for (const line of cpuTable) console.log(`  ${line}`);
}

/** Reads the durable paths' backlogs: BullMQ's lists (straight from Redis) and the outboxes. */
function createBacklogProbe(run: BenchRun) {
  const redis = redisConnection(run.redisUrl);
  const db = new pg.Client({ connectionString: run.databaseUrl });
  const connected = db.connect();
  const outboxSql = `SELECT ${SUBGRAPHS.map(
    (schema) => `(SELECT count(*) FROM "${schema}"."OutboxEvent" WHERE "publishedAt" IS NULL)`,
  ).join(' + ')} AS pending`;
  return {
    async read(): Promise<{ queued: number; outbox: number }> {
      await connected;
      const pipeline = redis.pipeline();
      for (const queue of consumerQueues) {
        const key = `${run.queuePrefix}:${queue}`;
        // Delayed too: a handler that keeps failing shows as jobs waiting for their retry.
        pipeline
          .llen(`${key}:wait`)
          .zcard(`${key}:prioritized`)
          .llen(`${key}:active`)
          .zcard(`${key}:delayed`);
      }
      const [replies, outbox] = await Promise.all([
        pipeline.exec(),
        db.query<{ pending: string }>(outboxSql),
      ]);
      return {
        queued: (replies ?? []).reduce((sum, [, count]) => sum + Number(count ?? 0), 0),
        outbox: Number(outbox.rows[0]?.pending ?? 0),
      };
    },
    async close() {
      redis.disconnect();
      await db.end();
    },
  };
}

await runBench('e2e', main);
