// `npm run bench:fanout`: one sender, a group of N members each subscribed with MessageAdded
// (the contract document: sender, avatar, attachments, reactions...), for N = 100 and 1,000.
// Reports deliveries per second and p50/p99 latency from the mutation's response to each
// receipt, with shared resolution on (one resolution per event) and off (one per socket).
// Everything runs in this one process on this machine's 2 cores: the figures are for comparing.
import { randomUUID } from 'node:crypto';
import { DEV_JWT_SECRET, signUserToken } from '@switchboard/core';
import { createTestDatabase, pgAdapter } from '@switchboard/db';
import { createClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { PrismaClient as UsersDb } from '../subgraphs/users/src/generated/prisma/client.ts';
import { Client, contract } from '../tests/support/client.ts';
import { startStack } from '../tests/support/stack.ts';

const SIZES = (process.env['FANOUT_SIZES'] ?? '100,1000').split(',').map(Number);
const MESSAGES = Number(process.env['FANOUT_MESSAGES'] ?? 10);
/** `on,off` (default): shared resolution, then one resolution per socket; `on` alone for profiles. */
const SHARING = (process.env['FANOUT_SHARING'] ?? 'on,off').split(',').map((mode) => mode.trim() === 'on');
const admin = process.env['DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/test';

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function run(databaseUrl: string, usersDb: UsersDb, members: number, share: boolean) {
  const stack = await startStack({
    databaseUrl,
    worker: false,
    gateway: {
      subscriptions: { shareResolution: share },
      // The bench opens a thousand sockets from one address at once.
      socketLimits: { newConnectionsPerAddressPerSecond: 1_000_000 },
    },
  });
  const sockets: WsClient[] = [];
  try {
    const run = randomUUID().slice(0, 6);
    const people = await Promise.all(
      Array.from({ length: members + 1 }, async (_, i) => {
        const user = await usersDb.user.create({
          data: {
            username: `b${run}_${i}`,
            displayName: `Member ${i}`,
            passwordHash: 'bench-no-login',
            devices: { create: { name: 'Bench' } },
          },
          include: { devices: true },
        });
        const subject = { userId: user.id, deviceId: user.devices[0]!.id };
        return { id: user.id, token: await signUserToken(subject, DEV_JWT_SECRET, 3600) };
      }),
    );
    const [sender, ...audience] = people;
    const senderClient = new Client(stack.gateway.url, sender!.token);
    const chatId = (
      await senderClient.data<{ createGroup: { id: string } }>('CreateGroup', {
        input: { title: 'Fan-out', memberIds: audience.map((m) => m.id) },
      })
    ).createGroup.id;

    const received = new Map<number, number[]>();
    const query = contract.get('MessageAdded')!;
    for (const member of audience) {
      const socket = createClient({
        url: stack.gateway.url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${member.token}` },
        retryAttempts: 0,
        lazy: false,
      });
      sockets.push(socket);
      socket.subscribe(
        { query, variables: { chatId }, operationName: 'MessageAdded' },
        {
          next: (result) => {
            const at = performance.now();
            const seq = (result.data as { messageAdded: { seq: number } } | undefined)?.messageAdded.seq;
            if (seq === undefined) throw new Error(`bad payload: ${JSON.stringify(result)}`);
            const list = received.get(seq) ?? [];
            list.push(at);
            received.set(seq, list);
          },
          error: (error) => console.error('subscription error', error),
          complete: () => {},
        },
      );
    }
    while (stack.gateway.activeSubscriptions() < members)
      await new Promise((resolve) => setTimeout(resolve, 20));

    const send = async () => {
      const sentAt = performance.now();
      const { sendMessage } = await senderClient.data<{ sendMessage: { seq: number } }>('SendMessage', {
        input: { chatId, clientId: randomUUID(), body: 'How is everyone?' },
      });
      while ((received.get(sendMessage.seq)?.length ?? 0) < members)
        await new Promise((resolve) => setTimeout(resolve, 1));
      return { seq: sendMessage.seq, sentAt };
    };
    for (let i = 0; i < 2; i += 1) await send(); // warm-up: plans, connections, JIT

    const executionsBefore = stack.gateway.resolver.executions;
    const latencies: number[] = [];
    const started = performance.now();
    for (let i = 0; i < MESSAGES; i += 1) {
      const { seq, sentAt } = await send();
      // From just before the SendMessage request: subscribers may hear of it before its answer.
      for (const at of received.get(seq)!) latencies.push(at - sentAt);
    }
    const elapsed = performance.now() - started;
    latencies.sort((a, b) => a - b);
    return {
      members,
      share,
      deliveriesPerSecond: Math.round((members * MESSAGES) / (elapsed / 1000)),
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      resolutionsPerMessage: (stack.gateway.resolver.executions - executionsBefore) / MESSAGES,
    };
  } finally {
    await Promise.all(sockets.map((socket) => socket.dispose()));
    await stack.stop();
  }
}

const database = await createTestDatabase(admin, {
  prismaDir: new URL('../prisma', import.meta.url).pathname,
});
const usersDb = new UsersDb({ adapter: pgAdapter(database.url, 8) });
try {
  console.log(`bench:fanout  ${MESSAGES} messages per run, MessageAdded with sender { displayName avatar }`);
  console.log('  members  sharing  deliveries/s  p50 ms  p99 ms  resolutions/message');
  for (const members of SIZES) {
    for (const share of SHARING) {
      const r = await run(database.url, usersDb, members, share);
      console.log(
        `  ${String(r.members).padStart(7)}  ${(r.share ? 'on' : 'off').padStart(7)}  ${String(r.deliveriesPerSecond).padStart(12)}  ${r.p50.toFixed(1).padStart(6)}  ${r.p99.toFixed(1).padStart(6)}  ${String(r.resolutionsPerMessage).padStart(19)}`,
      );
    }
  }
  console.log(
    '  (latency: from just before the SendMessage request to each subscriber receiving the payload)',
  );
} finally {
  await usersDb.$disconnect();
  await database.drop();
}
