// `npm run bench:connections` (issue 11): BENCH_SOCKETS sockets against ONE gateway process, each
// with the contract's `Inbox` subscription (BENCH_SUBSCRIPTION=messageAdded: `MessageAdded`,
// chatId null, the per-chat path), its user in BENCH_CHATS_PER_USER groups (default 50), opened
// from several loopback addresses. Reports connect + subscribe rate, the gateway's heap and RSS per connection,
// every process's CPU while the sockets sit idle, ChatList p50/p99 before and while connected, and
// how long a per-chat subscriber 1,000 messages behind takes to catch up.
import { readFileSync } from 'node:fs';
import { mapLimit, sleep, waitUntil } from './support/async.ts';
import { loadAverage, runBench, setting, type BenchRun } from './support/benchRun.ts';
import { cpuDelta, cpuPerUnit, formatCpu } from './support/cpu.ts';
import { graphqlHttp, type GraphQLHttp } from './support/http.ts';
import { join } from 'node:path';
import { collectGarbage, writeHeapSnapshot } from './support/inspector.ts';
import type { ProcessStack, ServiceProcess } from './support/processStack.ts';
import { scrape } from './support/prometheus.ts';
import { projectDevices, seedChats, seedUsers, type SeededUser } from './support/seed.ts';
import { openSocket, type BenchSocket } from './support/sockets.ts';
import { ms, round, summarize, type Summary } from './support/stats.ts';

const SOCKETS = setting('BENCH_SOCKETS', 2000);
const SOCKETS_PER_USER = Math.max(1, setting('BENCH_SOCKETS_PER_USER', 1));
const ADDRESSES = Math.min(254, Math.max(1, setting('BENCH_ADDRESSES', 8)));
const CONNECT_CONCURRENCY = setting('BENCH_CONNECT_CONCURRENCY', 200);
const CONNECT_TIMEOUT_SECONDS = setting('BENCH_CONNECT_TIMEOUT_SECONDS', 300);
const SETTLE_SECONDS = setting('BENCH_SETTLE_SECONDS', 5);
// Before each idle window: right after start-up or a burst of connections the processes are still
// busy on their own (V8 compiling and shrinking heaps, GC of the burst's garbage), which is not
// what an idle socket costs. The stack alone settles to ~1.6% of a core within a minute.
const IDLE_SETTLE_SECONDS = setting('BENCH_IDLE_SETTLE_SECONDS', 30);
const IDLE_SECONDS = setting('BENCH_IDLE_SECONDS', 30);
const QUERIES = setting('BENCH_QUERIES', 200);
const CHATS = setting('BENCH_CHATS', 20);
const CHATS_PER_USER = setting('BENCH_CHATS_PER_USER', 50);
const INBOX = (process.env['BENCH_SUBSCRIPTION'] ?? 'inbox') === 'inbox';
const CATCH_UP = setting('BENCH_CATCHUP_MESSAGES', 1000);
const CATCH_UP_TIMEOUT_SECONDS = setting('BENCH_CATCHUP_TIMEOUT_SECONDS', 300);
/** Collect garbage in the gateway (through its inspector) before reading its heap; 0: settle only. */
const FORCE_GC = process.env['BENCH_FORCE_GC'] !== '0';
/** A directory: the gateway's heap is also written there before and after connecting. */
const HEAP_SNAPSHOTS = process.env['BENCH_HEAP_SNAPSHOT'];

const KiB = 1024;

/** The soft open-files limit of this process, which the gateway it starts inherits. */
function openFilesLimit(): number {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  const soft = line?.split(/\s{2,}/)[1];
  return soft === undefined || soft === 'unlimited' ? Infinity : Number(soft);
}

async function main(run: BenchRun) {
  const limit = openFilesLimit();
  console.log(
    `  ${SOCKETS} sockets, ${SOCKETS_PER_USER} per user, from ${ADDRESSES} loopback addresses; ` +
      `open-files limit ${limit} (ulimit -n; the gateway inherits it)`,
  );
  if (SOCKETS + 500 > limit)
    throw new Error(
      `${SOCKETS} sockets need an open-files limit above ${SOCKETS + 500}: raise \`ulimit -n\``,
    );

  const users = await seedUsers(run.usersDb, Math.ceil(SOCKETS / SOCKETS_PER_USER));
  const [probe, partner] = (await seedUsers(run.usersDb, 2, 'Probe')) as [SeededUser, SeededUser];
  await projectDevices(run.databaseUrl, [...users, probe, partner]);
  const chatsPerUser = await seedChats(run.databaseUrl, users, CHATS_PER_USER);
  console.log(
    `  each user in ${round(chatsPerUser, 1)} chats (groups of up to 100); subscription: ${INBOX ? 'Inbox' : 'MessageAdded(chatId: null)'}`,
  );
  const stack = await run.startStack(
    FORCE_GC || HEAP_SNAPSHOTS ? { gatewayNodeArgs: ['--inspect=127.0.0.1:0'] } : {},
  );
  const gateway = stack.services.find((s) => s.name === 'gateway')!;
  const http = graphqlHttp(stack.gatewayUrl);
  run.defer(() => http.close());

  // The probe's chat list (CHATS chats, each with a last message) and a chat CATCH_UP messages long.
  await mapLimit(users.slice(0, CHATS), 4, async (user, i) => {
    const chatId = await directChat(http, probe, user);
    await http.data(
      'SendMessage',
      { input: { chatId, clientId: `list-${i}`, body: `Hello ${i}` } },
      user.token,
    );
  });
  const catchUpChat = await directChat(http, probe, partner);
  const seqs = await mapLimit(
    Array.from({ length: CATCH_UP }, (_, i) => i),
    8,
    async (i) =>
      (
        await http.data<{ sendMessage: { seq: number } }>(
          'SendMessage',
          { input: { chatId: catchUpChat, clientId: `catch-up-${i}`, body: `Missed ${i}` } },
          i % 2 === 0 ? probe.token : partner.token,
        )
      ).sendMessage.seq,
  );
  const afterSeq = Math.min(...seqs) - 1;
  const lastSeq = Math.max(...seqs);

  await sleep(SETTLE_SECONDS * 1000);
  const memoryBefore = await gatewayMemory(gateway);
  await heapSnapshot(gateway, 'before');
  const chatListBefore = await chatListLatency(http, probe);
  // The same idle window with no socket: what the processes spend anyway (timers, pools,
  // PostgreSQL's and Redis's own), so the sockets' share is the difference.
  await sleep(IDLE_SETTLE_SECONDS * 1000);
  const idleBefore = await idleCpu(stack, run);
  console.log(
    `\n  CPU with no socket, idle for ${IDLE_SECONDS} s (after ${IDLE_SETTLE_SECONDS} s to settle):`,
  );
  for (const line of idleBefore.table) console.log(`  ${line}`);
  const activeBefore = (await scrape(stack.gatewayMetricsUrl)).get('gateway_subscriptions_active');

  // Connect and subscribe as fast as the gateway lets us, CONNECT_CONCURRENCY handshakes at a time.
  const sockets: BenchSocket[] = [];
  let closing = false;
  let closed = 0;
  let refused = 0;
  const closeCodes = new Map<string, number>();
  run.defer(async () => {
    closing = true;
    await Promise.all(sockets.map((socket) => socket.client.dispose()));
  });
  const connectCpuBefore = stack.cpu(run.databaseName);
  const connectStarted = performance.now();
  await mapLimit(
    Array.from({ length: SOCKETS }, (_, i) => i),
    CONNECT_CONCURRENCY,
    async (i) => {
      const socket = openSocket({
        url: stack.gatewayUrl,
        token: users[Math.floor(i / SOCKETS_PER_USER)]!.token,
        localAddress: `127.0.0.${1 + (i % ADDRESSES)}`,
        onClosed: (code) => {
          if (closing) return;
          closed += 1;
          closeCodes.set(String(code), (closeCodes.get(String(code)) ?? 0) + 1);
        },
      });
      sockets.push(socket);
      try {
        await socket.connected;
      } catch {
        refused += 1;
        return;
      }
      if (INBOX) socket.subscribe('Inbox', { after: null }, () => {});
      else socket.subscribe('MessageAdded', { chatId: null }, () => {});
    },
  );
  const listening = SOCKETS - refused;
  const metrics = () => scrape(stack.gatewayMetricsUrl);
  await waitUntil(
    async () => (await metrics()).get('gateway_subscriptions_active') >= activeBefore + listening,
    CONNECT_TIMEOUT_SECONDS * 1000,
    `${listening} subscriptions at the gateway`,
  );
  const connectSeconds = (performance.now() - connectStarted) / 1000;
  const connectCpu = cpuDelta(connectCpuBefore, stack.cpu(run.databaseName));
  stack.assertAlive();
  console.log(
    `\n  connect + subscribe: ${listening} sockets listening in ${connectSeconds.toFixed(1)} s = ` +
      `${Math.round(listening / connectSeconds)} sockets/s (${refused} refused)`,
  );

  console.log(`  CPU per socket connected and subscribed:`);
  for (const line of formatCpu(connectCpu, listening, 'socket', connectSeconds * 1000))
    console.log(`  ${line}`);

  await sleep(SETTLE_SECONDS * 1000);
  const memoryAfter = await gatewayMemory(gateway);
  await heapSnapshot(gateway, 'after');
  const perConnection = {
    heapKiB: round((memoryAfter.heap - memoryBefore.heap) / listening / KiB),
    rssKiB: round((memoryAfter.rss - memoryBefore.rss) / listening / KiB),
  };
  console.log(
    `  gateway memory${FORCE_GC ? ' after a full GC' : ` after ${SETTLE_SECONDS} s`}: ` +
      `heap ${mib(memoryBefore.heap)} -> ${mib(memoryAfter.heap)} MiB, RSS ${mib(memoryBefore.rss)} -> ${mib(memoryAfter.rss)} MiB; ` +
      `per connection: heap ${perConnection.heapKiB} KiB, RSS ${perConnection.rssKiB} KiB`,
  );

  await sleep(IDLE_SETTLE_SECONDS * 1000);
  const idle = await idleCpu(stack, run);
  console.log(
    `\n  CPU while ${listening} sockets sit idle for ${IDLE_SECONDS} s (after ${IDLE_SETTLE_SECONDS} s to settle):`,
  );
  for (const line of idle.table) console.log(`  ${line}`);

  const chatListConnected = await chatListLatency(http, probe);
  const { websockets, subscriptions } = await metrics().then((m) => ({
    websockets: m.get('gateway_websockets_open'),
    subscriptions: m.get('gateway_subscriptions_active'),
  }));
  console.log(`\n  ChatList (first: ${CHATS}), ${QUERIES} queries one at a time     p50 ms   p99 ms`);
  console.log(
    `    before connecting                          ${ms(chatListBefore.p50)} ${ms(chatListBefore.p99)}`,
  );
  console.log(
    `    with ${String(listening).padEnd(6)} sockets connected            ${ms(chatListConnected.p50)} ${ms(chatListConnected.p99)}`,
  );
  console.log(
    `  still open: ${websockets} sockets, ${subscriptions} subscriptions; closed by the server: ${closed} ${JSON.stringify(Object.fromEntries(closeCodes))}`,
  );

  const catchUp = await catchUpTime(stack, probe, catchUpChat, afterSeq, lastSeq);
  console.log(
    `\n  catch-up: a MessageAdded(chatId, afterSeq) subscriber ${lastSeq - afterSeq} messages behind had all of them in ` +
      `${catchUp.seconds === null ? `(not within ${CATCH_UP_TIMEOUT_SECONDS} s)` : `${catchUp.seconds.toFixed(2)} s`}; ` +
      `received ${catchUp.received}, out of order ${catchUp.outOfOrder}, duplicated ${catchUp.duplicated}`,
  );

  console.log(
    JSON.stringify({
      bench: 'connections',
      date: new Date().toISOString(),
      load: loadAverage(),
      sockets: SOCKETS,
      socketsPerUser: SOCKETS_PER_USER,
      chatsPerUser: round(chatsPerUser, 1),
      subscription: INBOX ? 'Inbox' : 'MessageAdded',
      addresses: ADDRESSES,
      listening,
      refused,
      closedByServer: closed,
      connectSeconds: round(connectSeconds, 2),
      socketsPerSecond: Math.round(listening / connectSeconds),
      connectCpuMsPerSocket: cpuPerUnit(connectCpu, listening),
      gcBeforeMemory: FORCE_GC,
      memoryBefore,
      memoryAfter,
      perConnection,
      idleSeconds: IDLE_SECONDS,
      idleCpuMsPerSecond: idle.perSecond,
      idleCpuNoSocketsMsPerSecond: idleBefore.perSecond,
      chatList: { before: chatListBefore, connected: chatListConnected },
      catchUp,
    }),
  );
}

const mib = (bytes: number) => (bytes / KiB / KiB).toFixed(1);

async function directChat(http: GraphQLHttp, from: SeededUser, to: SeededUser): Promise<string> {
  return (
    await http.data<{ createDirectChat: { id: string } }>('CreateDirectChat', { userId: to.id }, from.token)
  ).createDirectChat.id;
}

/** The gateway's heap used and RSS from its own /metrics, after a full GC when asked for. */
async function gatewayMemory(gateway: ServiceProcess): Promise<{ heap: number; rss: number }> {
  if (FORCE_GC && gateway.inspectorUrl) {
    // Twice: the first pass can leave objects whose finalizers free more.
    await collectGarbage(gateway.inspectorUrl);
    await collectGarbage(gateway.inspectorUrl);
  }
  const metrics = await scrape(gateway.metricsUrl!);
  return {
    heap: metrics.get('nodejs_heap_size_used_bytes'),
    rss: metrics.get('process_resident_memory_bytes'),
  };
}

/** With BENCH_HEAP_SNAPSHOT, the gateway's heap as `<dir>/gateway-<when>.heapsnapshot`. */
async function heapSnapshot(gateway: ServiceProcess, when: string) {
  if (!HEAP_SNAPSHOTS || !gateway.inspectorUrl) return;
  const path = join(HEAP_SNAPSHOTS, `gateway-${when}.heapsnapshot`);
  await writeHeapSnapshot(gateway.inspectorUrl, path);
  console.log(`  heap snapshot: ${path}`);
}

async function chatListLatency(http: GraphQLHttp, probe: SeededUser): Promise<Summary> {
  const latencies: number[] = [];
  for (let i = 0; i < QUERIES; i += 1) {
    const started = performance.now();
    const { chats } = await http.data<{ chats: { edges: unknown[] } }>(
      'ChatList',
      { first: CHATS },
      probe.token,
    );
    latencies.push(performance.now() - started);
    if (chats.edges.length < Math.min(CHATS, 2))
      throw new Error(`ChatList answered ${chats.edges.length} chats`);
  }
  return summarize(latencies);
}

async function idleCpu(stack: ProcessStack, run: BenchRun) {
  const before = stack.cpu(run.databaseName);
  const started = performance.now();
  await sleep(IDLE_SECONDS * 1000);
  const windowMs = performance.now() - started;
  const delta = cpuDelta(before, stack.cpu(run.databaseName));
  return {
    table: formatCpu(delta, windowMs / 1000, 's', windowMs),
    perSecond: cpuPerUnit(delta, windowMs / 1000),
  };
}

/** Subscribes to one chat from `afterSeq` and times until every message up to `lastSeq` arrived. */
async function catchUpTime(
  stack: ProcessStack,
  probe: SeededUser,
  chatId: string,
  afterSeq: number,
  lastSeq: number,
) {
  const socket = openSocket({ url: stack.gatewayUrl, token: probe.token });
  try {
    await socket.connected;
    const seen = new Set<number>();
    let previous = afterSeq;
    let outOfOrder = 0;
    let duplicated = 0;
    let errors = 0;
    let done!: () => void;
    const all = new Promise<void>((resolve) => (done = resolve));
    const started = performance.now();
    socket.subscribe<{ messageAdded: { seq: number } }>(
      'MessageAdded',
      { chatId, afterSeq },
      (result) => {
        const seq = result.data?.messageAdded.seq;
        if (seq === undefined) return void (errors += 1);
        if (seen.has(seq)) return void (duplicated += 1);
        if (seq !== previous + 1) outOfOrder += 1;
        previous = seq;
        seen.add(seq);
        if (seen.size === lastSeq - afterSeq) done();
      },
      () => (errors += 1),
    );
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      all.then(() => true),
      new Promise<false>(
        (resolve) => (timer = setTimeout(() => resolve(false), CATCH_UP_TIMEOUT_SECONDS * 1000)),
      ),
    ]);
    clearTimeout(timer);
    const seconds = finished ? round((performance.now() - started) / 1000, 2) : null;
    return { behind: lastSeq - afterSeq, seconds, received: seen.size, outOfOrder, duplicated, errors };
  } finally {
    await socket.client.dispose();
  }
}

await runBench('connections', main);
