// `npm run bench:fanout` (second part): the fan-out of bench/fanout.ts with the stack as separate
// processes, as production runs it (bench/support/processStack.ts): one sender, a group of
// FANOUT_SIZES members each holding a graphql-ws socket with the contract's MessageAdded for the
// group, messages sent one at a time, each waited for until every member has it. The load
// generator (sockets, parsing) is this process; the gateway fans out on its own.
import { randomUUID } from 'node:crypto';
import { runBench, setting } from './support/benchRun.ts';
import { graphqlHttp } from './support/http.ts';
import { scrape } from './support/prometheus.ts';
import { seedUsers } from './support/seed.ts';
import { openSocket, type BenchSocket } from './support/sockets.ts';
import { percentile } from './support/stats.ts';
import { cpuDelta, cpuPerUnit } from './support/cpu.ts';
import { mapLimit, sleep, waitUntil } from './support/async.ts';

const SIZES = (process.env['FANOUT_SIZES'] ?? '100,1000').split(',').map(Number);
const MESSAGES = setting('FANOUT_MESSAGES', 10);
const WARMUP_MESSAGES = setting('FANOUT_WARMUP_MESSAGES', 20);
/**
 * Messages under way at once (1: each sent once the previous one reached everyone). More stands
 * for a group where several members write at the same moment: the gateway's fan-out of one
 * message then overlaps the next one's send instead of waiting for it.
 */
const IN_FLIGHT = setting('FANOUT_IN_FLIGHT', 1);

await runBench('fanout (processes)', async (run) => {
  console.log(
    `  ${MESSAGES} messages per run after ${WARMUP_MESSAGES} to warm up, ${IN_FLIGHT} under way at once, MessageAdded (the contract document)`,
  );
  console.log('  members  deliveries/s  p50 ms  p99 ms  CPU ms per delivery (gateway, all)');
  const people = await seedUsers(run.usersDb, Math.max(...SIZES) + 1, 'Member');
  const stack = await run.startStack();
  const http = graphqlHttp(stack.gatewayUrl);
  run.defer(() => http.close());
  const [sender, ...everyone] = people;

  for (const members of SIZES) {
    const audience = everyone.slice(0, members);
    const chatId = (
      await http.data<{ createGroup: { id: string } }>(
        'CreateGroup',
        { input: { title: `Fan-out ${members}`, memberIds: audience.map((m) => m.id) } },
        sender!.token,
      )
    ).createGroup.id;
    const received = new Map<number, number[]>();
    let errors = 0;
    const sockets: BenchSocket[] = [];
    const active = (await scrape(stack.gatewayMetricsUrl)).get('gateway_subscriptions_active');
    await mapLimit(audience, 100, async (member, i) => {
      // Eight loopback addresses, as bench:connections: no per-address limit binds.
      const socket = openSocket({
        url: stack.gatewayUrl,
        token: member.token,
        localAddress: `127.0.0.${(i % 8) + 1}`,
      });
      sockets.push(socket);
      await socket.connected;
      socket.subscribe<{ messageAdded: { seq: number } }>(
        'MessageAdded',
        { chatId },
        (result) => {
          const at = performance.now();
          const seq = result.data?.messageAdded?.seq;
          if (seq === undefined) return void (errors += 1);
          const list = received.get(seq) ?? [];
          list.push(at);
          received.set(seq, list);
        },
        () => (errors += 1),
      );
    });
    await waitUntil(
      async () =>
        (await scrape(stack.gatewayMetricsUrl)).get('gateway_subscriptions_active') >= active + members,
      60_000,
      `${members} subscriptions at the gateway`,
    );

    const send = async () => {
      const sentAt = performance.now();
      const { sendMessage } = await http.data<{ sendMessage: { seq: number } }>(
        'SendMessage',
        { input: { chatId, clientId: randomUUID(), body: 'How is everyone?' } },
        sender!.token,
      );
      const deadline = sentAt + 30_000;
      while ((received.get(sendMessage.seq)?.length ?? 0) < members) {
        if (performance.now() > deadline)
          throw new Error(`message ${sendMessage.seq} did not reach everyone`);
        await sleep(1);
      }
      return { seq: sendMessage.seq, sentAt };
    };
    for (let i = 0; i < WARMUP_MESSAGES; i += 1) await send();

    const cpuBefore = stack.cpu(run.databaseName);
    const latencies: number[] = [];
    const started = performance.now();
    let sent = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (sent < MESSAGES) {
          sent += 1;
          const { seq, sentAt } = await send();
          for (const at of received.get(seq)!) latencies.push(at - sentAt);
        }
      }),
    );
    const elapsed = performance.now() - started;
    const deliveries = members * MESSAGES;
    const cpu = cpuPerUnit(cpuDelta(cpuBefore, stack.cpu(run.databaseName)), deliveries);
    latencies.sort((a, b) => a - b);
    const perDelivery = (name: string) => (cpu[name] ?? 0).toFixed(3);
    console.log(
      `  ${String(members).padStart(7)}  ${String(Math.round(deliveries / (elapsed / 1000))).padStart(12)}  ` +
        `${percentile(latencies, 50).toFixed(1).padStart(6)}  ${percentile(latencies, 99).toFixed(1).padStart(6)}  ` +
        `${perDelivery('gateway')}, ${perDelivery('total')}${errors > 0 ? `  (${errors} errors)` : ''}`,
    );
    await Promise.all(sockets.map((socket) => socket.client.dispose()));
  }
  console.log(
    '  (latency: from just before the SendMessage request to each subscriber receiving the payload)',
  );
});
