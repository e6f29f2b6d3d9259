// `npm run bench:queue`: domain events relayed from an outbox to BullMQ and handled by the
// worker, per second. A backlog of EVENTS UserBlocked events is committed first (as if the
// relay had been down); then one relay and the worker drain it into chats' block projection.
import { randomUUID } from 'node:crypto';
import { DEV_INTERNAL_SIGNING_KEYS, parseSigningKey, recordEvent } from '@switchboard/core';
import { createTestDatabase, pgAdapter } from '@switchboard/db';
import { createOutboxRelay, redisConnection } from '@switchboard/messaging';
import { createWorker } from '@switchboard/worker';
import { PrismaClient as ChatsDb } from '../subgraphs/chats/src/generated/prisma/client.ts';
import { PrismaClient as UsersDb } from '../subgraphs/users/src/generated/prisma/client.ts';
import { vapid } from '../tests/support/stack.ts';

const EVENTS = Number(process.env['EVENTS'] ?? 5000);
const admin = process.env['DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/test';
const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const prefix = `bench-${randomUUID().slice(0, 8)}`;

const database = await createTestDatabase(admin, {
  prismaDir: new URL('../prisma', import.meta.url).pathname,
});
const usersDb = new UsersDb({ adapter: pgAdapter(database.url, 4) });
const chatsDb = new ChatsDb({ adapter: pgAdapter(database.url, 2) });
const redis = redisConnection(redisUrl);
try {
  let started = performance.now();
  for (let done = 0; done < EVENTS; done += 100) {
    await usersDb.$transaction(async (tx) => {
      for (let i = done; i < Math.min(done + 100, EVENTS); i += 1)
        await recordEvent(tx, 'UserBlocked', { blockerId: randomUUID(), blockedId: randomUUID() });
    });
  }
  const written = performance.now() - started;

  const relay = createOutboxRelay({ databaseUrl: database.url, schema: 'users', redis, prefix });
  const worker = createWorker({
    databaseUrl: database.url,
    // Only UserBlocked events here: the push handler never asks presence.
    signingKey: parseSigningKey(DEV_INTERNAL_SIGNING_KEYS.worker),
    presenceRpcUrl: 'http://127.0.0.1:9',
    chatsRpcUrl: 'http://127.0.0.1:9',
    redisUrl,
    prefix,
    vapid,
    concurrency: 16,
  });
  started = performance.now();
  const relayed = await relay.drain();
  const relayTime = performance.now() - started;
  await worker.start();
  while ((await chatsDb.blockProjection.count()) < EVENTS)
    await new Promise((resolve) => setTimeout(resolve, 50));
  const total = performance.now() - started;
  await Promise.all([relay.stop(), worker.stop()]);

  const rate = (count: number, ms: number) => Math.round((count / ms) * 1000);
  console.log(`bench:queue  ${EVENTS} events (UserBlocked -> chats' block projection)`);
  console.log(`  written to the outbox     ${rate(EVENTS, written)} events/s (100 per transaction)`);
  console.log(`  relayed to BullMQ         ${rate(relayed, relayTime)} events/s`);
  console.log(
    `  relayed and handled       ${rate(EVENTS, total)} events/s (end to end, worker concurrency 16)`,
  );
} finally {
  await Promise.all([usersDb.$disconnect(), chatsDb.$disconnect()]);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await database.drop();
}
