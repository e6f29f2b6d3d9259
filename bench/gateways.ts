// `npm run bench:gateways`: this project's gateway and stock @apollo/gateway + @apollo/server
// (bench/support/stockGateway.ts), each its own process over the same running subgraphs, the same
// seeded data and the same query: the contract's ChatHistory (last: 50) on a chat whose messages
// have a sender with an avatar, a replyTo with its sender, and some image attachments. Both answers
// must be identical before anything is measured. Rounds alternate (ours, stock, ours, ...) at each
// concurrency; prints req/s, p50, p99, ours/stock ratios (medians over rounds) and CPU per request.
import { isDeepStrictEqual } from 'node:util';
import sharp from 'sharp';
import { eventually, waitUntil } from './support/async.ts';
import { loadAverage, runBench, setting, type BenchRun } from './support/benchRun.ts';
import { cpuDelta, cpuLabel, cpuPerUnit } from './support/cpu.ts';
import { failure, graphqlHttp, type GraphQLHttp } from './support/http.ts';
import { subgraphUrlEnv } from './support/processStack.ts';
import { seedUsers, type SeededUser } from './support/seed.ts';
import { median, ms, round, summarize } from './support/stats.ts';

const MESSAGES = setting('BENCH_MESSAGES', 60);
const ROUNDS = setting('BENCH_ROUNDS', 5);
const ROUND_SECONDS = setting('BENCH_ROUND_SECONDS', 5);
const WARMUP_SECONDS = setting('BENCH_WARMUP_SECONDS', 3);
const CONCURRENCY = (process.env['BENCH_CONCURRENCY'] ?? '16,1').split(',').map(Number);
/** Every tenth message carries an image. */
const ATTACH_EVERY = 10;

const GATEWAYS = ['ours', 'stock'] as const;
type Gateway = (typeof GATEWAYS)[number];

interface RoundResult {
  gateway: Gateway;
  requests: number;
  errors: number;
  reqPerSecond: number;
  p50: number;
  p99: number;
  cpuMsPerRequest: Record<string, number>;
}

async function main(run: BenchRun) {
  const [alice, bob] = (await seedUsers(run.usersDb, 2, 'Reader')) as [SeededUser, SeededUser];
  const stack = await run.startStack();
  const stock = await stack.spawn({
    name: 'stock-gateway',
    entry: 'bench/support/stockGateway.ts',
    env: subgraphUrlEnv(stack.subgraphUrls),
  });
  const urls: Record<Gateway, string> = { ours: stack.gatewayUrl, stock: stock.url };
  const http = graphqlHttp(stack.gatewayUrl);
  run.defer(() => http.close());
  const variables = { chatId: await seedChat(http, alice, bob), last: 50 };

  const guard = await identicalAnswers(urls, variables, alice.token);
  console.log(
    `  ChatHistory (last: 50) of a ${MESSAGES}-message chat: ${guard.bytes} bytes, ${guard.attachments} attachments, ` +
      `every message with sender { avatar } and replyTo { sender }; both gateways answer identically`,
  );

  const levels = [];
  for (const concurrency of CONCURRENCY) {
    const clients = Object.fromEntries(
      GATEWAYS.map((gateway) => [gateway, graphqlHttp(urls[gateway], { maxSockets: concurrency })]),
    ) as Record<Gateway, GraphQLHttp>;
    try {
      for (const gateway of GATEWAYS)
        await load(clients[gateway], concurrency, WARMUP_SECONDS, variables, alice.token);
      console.log(
        `\n  ${concurrency} in flight, ${ROUNDS} rounds of ${ROUND_SECONDS} s per gateway, alternating`,
      );
      console.log(`    round  gateway    req/s   p50 ms   p99 ms  errors`);
      const rounds: RoundResult[] = [];
      for (let i = 1; i <= ROUNDS; i += 1) {
        for (const gateway of GATEWAYS) {
          const before = stack.cpu(run.databaseName);
          const result = await load(clients[gateway], concurrency, ROUND_SECONDS, variables, alice.token);
          const cpu = cpuDelta(before, stack.cpu(run.databaseName));
          stack.assertAlive();
          const latency = summarize(result.latencies);
          const r: RoundResult = {
            gateway,
            requests: result.latencies.length,
            errors: result.errors,
            reqPerSecond: round(result.latencies.length / (result.elapsedMs / 1000)),
            p50: latency.p50,
            p99: latency.p99,
            cpuMsPerRequest: cpuPerUnit(cpu, Math.max(1, result.latencies.length)),
          };
          rounds.push(r);
          console.log(
            `    ${String(i).padStart(5)}  ${gateway.padEnd(7)}${r.reqPerSecond.toFixed(1).padStart(9)}${ms(r.p50, 9)}${ms(r.p99, 9)}${String(r.errors).padStart(8)}`,
          );
        }
      }
      levels.push(summarizeLevel(concurrency, rounds));
    } finally {
      for (const client of Object.values(clients)) client.close();
    }
  }
  console.log(
    JSON.stringify({
      bench: 'gateways',
      date: new Date().toISOString(),
      load: loadAverage(),
      query: 'ChatHistory',
      responseBytes: guard.bytes,
      rounds: ROUNDS,
      roundSeconds: ROUND_SECONDS,
      levels,
    }),
  );
}

/** Medians over the rounds of one concurrency, printed and returned for the JSON summary. */
function summarizeLevel(concurrency: number, rounds: RoundResult[]) {
  const of = (gateway: Gateway) => rounds.filter((r) => r.gateway === gateway);
  const medians = Object.fromEntries(
    GATEWAYS.map((gateway) => [
      gateway,
      {
        reqPerSecond: round(median(of(gateway).map((r) => r.reqPerSecond))),
        p50: round(median(of(gateway).map((r) => r.p50)), 2),
        p99: round(median(of(gateway).map((r) => r.p99)), 2),
        errors: of(gateway).reduce((sum, r) => sum + r.errors, 0),
      },
    ]),
  ) as Record<Gateway, { reqPerSecond: number; p50: number; p99: number; errors: number }>;
  const ratio = {
    reqPerSecond: round(medians.ours.reqPerSecond / medians.stock.reqPerSecond, 2),
    p50: round(medians.ours.p50 / medians.stock.p50, 2),
    p99: round(medians.ours.p99 / medians.stock.p99, 2),
  };
  const cpu = Object.fromEntries(
    GATEWAYS.map((gateway) => {
      const names = Object.keys(of(gateway)[0]?.cpuMsPerRequest ?? {});
      return [
        gateway,
        Object.fromEntries(
          names.map((name) => [name, round(median(of(gateway).map((r) => r.cpuMsPerRequest[name]!)), 3)]),
        ),
      ];
    }),
  ) as Record<Gateway, Record<string, number>>;
  for (const gateway of GATEWAYS) {
    const m = medians[gateway];
    console.log(
      `    median ${gateway.padEnd(7)}${m.reqPerSecond.toFixed(1).padStart(9)}${ms(m.p50, 9)}${ms(m.p99, 9)}`,
    );
  }
  console.log(
    `    ours/stock: req/s x${ratio.reqPerSecond.toFixed(2)}, p50 x${ratio.p50.toFixed(2)}, p99 x${ratio.p99.toFixed(2)}`,
  );
  console.log(`    CPU ms per request (median over rounds)   ours   stock`);
  for (const name of Object.keys(cpu.ours)) {
    const label = cpuLabel(name);
    console.log(
      `      ${label.padEnd(36)}${cpu.ours[name]!.toFixed(3).padStart(8)}${cpu.stock[name]!.toFixed(3).padStart(8)}`,
    );
  }
  return { concurrency, ours: medians.ours, stock: medians.stock, ratio, cpuMsPerRequest: cpu, rounds };
}

/** Closed loop: `concurrency` clients, each sending ChatHistory again as soon as it is answered. */
async function load(
  client: GraphQLHttp,
  concurrency: number,
  seconds: number,
  variables: Record<string, unknown>,
  token: string,
) {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const sentAt = performance.now();
        const result = await client.op('ChatHistory', variables, token);
        if (failure(result)) errors += 1;
        else latencies.push(performance.now() - sentAt);
      }
    }),
  );
  return { latencies, errors, elapsedMs: performance.now() - started };
}

/**
 * The correctness guard: the same answer from both gateways, and one that holds what the query is
 * meant to exercise. Signed media URLs change at each minute boundary, so a pair fetched across
 * one is fetched again.
 */
async function identicalAnswers(
  urls: Record<Gateway, string>,
  variables: Record<string, unknown>,
  token: string,
) {
  const clients = GATEWAYS.map((gateway) => graphqlHttp(urls[gateway]));
  try {
    for (let attempt = 1; ; attempt += 1) {
      const [ours, stock] = await Promise.all(
        clients.map((c) => c.op<ChatHistory>('ChatHistory', variables, token)),
      );
      for (const [gateway, result] of [
        ['ours', ours!],
        ['stock', stock!],
      ] as const) {
        if (failure(result))
          throw new Error(`${gateway} gateway answered ChatHistory with ${result.text.slice(0, 500)}`);
      }
      const edges = ours!.body.data!.chat.messages.edges;
      const attachments = edges.reduce((sum, edge) => sum + edge.node.attachments.length, 0);
      if (edges.length !== 50 || attachments === 0)
        throw new Error(`ChatHistory has ${edges.length} messages and ${attachments} attachments`);
      if (
        !edges.every(
          (edge) => edge.node.sender?.avatar?.thumbnailUrl && edge.node.replyTo?.sender?.displayName,
        )
      )
        throw new Error('ChatHistory lacks a sender avatar or a replyTo sender');
      if (isDeepStrictEqual(ours!.body, stock!.body)) return { bytes: ours!.text.length, attachments };
      if (attempt === 3)
        throw new Error(
          `the gateways answer differently at ${firstDifference(ours!.body, stock!.body, 'response')}`,
        );
    }
  } finally {
    for (const client of clients) client.close();
  }
}

interface ChatHistory {
  chat: {
    messages: {
      edges: {
        node: {
          attachments: unknown[];
          sender: { avatar: { thumbnailUrl: string | null } | null } | null;
          replyTo: { sender: { displayName: string } | null } | null;
        };
      }[];
    };
  };
}

function firstDifference(a: unknown, b: unknown, path: string): string {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null)
    return `${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    const [x, y] = [(a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]];
    if (!isDeepStrictEqual(x, y)) return firstDifference(x, y, `${path}.${key}`);
  }
  return `${path} (key order)`;
}

/**
 * A direct chat between two users with avatars, MESSAGES messages alternating between them, each
 * replying to the one before, every tenth with one of Alice's images: all through the gateway as
 * an app would (CreateUpload, PUT to the signed URL, the worker makes the thumbnail: READY).
 */
async function seedChat(http: GraphQLHttp, alice: SeededUser, bob: SeededUser): Promise<string> {
  const chatId = (
    await http.data<{ createDirectChat: { id: string } }>('CreateDirectChat', { userId: bob.id }, alice.token)
  ).createDirectChat.id;
  const images = await Promise.all(
    Array.from({ length: Math.ceil(MESSAGES / ATTACH_EVERY) }, (_, i) => uploadImage(http, alice, i)),
  );
  for (const [i, user] of [alice, bob].entries()) {
    const avatarId = await uploadImage(http, user, 100 + i);
    // users learns who owns which media from an event: the first tries may be refused.
    await eventually(
      () => http.data('UpdateProfile', { input: { avatarId } }, user.token),
      30_000,
      'setting an avatar',
    );
  }
  let previous: string | undefined;
  for (let i = 0; i < MESSAGES; i += 1) {
    const sender = i % 2 === 0 ? alice : bob;
    const image = i % ATTACH_EVERY === 0 ? images[i / ATTACH_EVERY] : undefined;
    const input = {
      chatId,
      clientId: `history-${i}`,
      body: `Message ${i} of the history`,
      ...(previous ? { replyToId: previous } : {}),
      ...(image ? { attachmentIds: [image] } : {}),
    };
    // chats learns which media are attachable from an event; a retry with the same clientId is safe.
    const { sendMessage } = await eventually(
      () => http.data<{ sendMessage: { id: string } }>('SendMessage', { input }, sender.token),
      30_000,
      'sending a message with an attachment',
    );
    previous = sendMessage.id;
  }
  return chatId;
}

/** Uploads a small PNG as a client would and waits until the worker has processed it. */
async function uploadImage(http: GraphQLHttp, user: SeededUser, seed: number): Promise<string> {
  const png = await sharp({
    create: {
      width: 64 + seed,
      height: 48,
      channels: 3,
      background: { r: (seed * 40) % 256, g: 120, b: 200 },
    },
  })
    .png()
    .toBuffer();
  const { createUpload } = await http.data<{ createUpload: { uploadUrl: string; media: { id: string } } }>(
    'CreateUpload',
    { input: { fileName: `photo-${seed}.png`, mimeType: 'image/png', byteSize: png.length } },
    user.token,
  );
  const put = await fetch(createUpload.uploadUrl, {
    method: 'PUT',
    headers: { 'content-type': 'image/png' },
    body: png,
  });
  if (!put.ok) throw new Error(`upload PUT answered ${put.status}: ${await put.text()}`);
  const id = createUpload.media.id;
  await waitUntil(
    async () =>
      (await http.data<{ media: { status: string } }>('Media', { id }, user.token)).media.status === 'READY',
    30_000,
    `media ${id} to be READY`,
  );
  return id;
}

await runBench('gateways', main);
