import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { recordEvent } from '@switchboard/core';
import { pgAdapter } from '@switchboard/db';
import {
  createOutboxRelay,
  redisConnection,
  wakeOutboxRelays,
  type OutboxRelayOptions,
} from '@switchboard/messaging';
import { createWorker } from '@switchboard/worker';
import { rebuildProjection } from '../apps/worker/src/rebuildProjection.ts';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaClient as ChatsDb } from '../subgraphs/chats/src/generated/prisma/client.ts';
import { PrismaClient as UsersDb } from '../subgraphs/users/src/generated/prisma/client.ts';
import { stackConfig, standaloneWorkerIdentity, vapid } from './support/stack.ts';

const config = await stackConfig();
const redis = redisConnection(config.redisUrl);
const usersDb = new UsersDb({ adapter: pgAdapter(config.databaseUrls.users, 2) });
const chatsDb = new ChatsDb({ adapter: pgAdapter(config.databaseUrls.chats, 2) });
const projections = new Queue('chats-projections', { connection: redis, prefix: config.queuePrefix });
let worker: ReturnType<typeof createWorker>;

beforeAll(() => {
  worker = createWorker({
    databaseUrl: config.databaseUrl,
    databaseUrls: config.databaseUrls,
    ...standaloneWorkerIdentity(config),
    redisUrl: config.redisUrl,
    prefix: config.queuePrefix,
    vapid,
    log: () => {},
  });
});
afterAll(async () => {
  await worker.stop();
  await projections.close();
  await Promise.all([usersDb.$disconnect(), chatsDb.$disconnect()]);
  redis.disconnect();
});

const relay = (afterPublish?: () => Promise<void>, options: Partial<OutboxRelayOptions> = {}) =>
  createOutboxRelay({
    databaseUrl: config.databaseUrl,
    schema: 'users',
    redis,
    prefix: config.queuePrefix,
    log: () => {},
    ...(afterPublish ? { afterPublish } : {}),
    ...options,
  });

async function blockEvent(blockerId: string, blockedId: string) {
  await usersDb.$transaction((tx) => recordEvent(tx, 'UserBlocked', { blockerId, blockedId }));
  const row = await usersDb.outboxEvent.findFirstOrThrow({
    where: { type: 'UserBlocked' },
    orderBy: { id: 'desc' },
  });
  return row.eventId;
}

describe('outbox relay and consumers', () => {
  it('delivers an event once when the relay dies between publishing and marking it published', async () => {
    const [blockerId, blockedId] = [randomUUID(), randomUUID()];
    const eventId = await blockEvent(blockerId, blockedId);

    // The first relay "crashes" after the jobs reached Redis but before it marks the rows published.
    const crashing = relay(async () => {
      throw new Error('simulated crash');
    });
    await expect(crashing.drain()).rejects.toThrow('simulated crash');
    await crashing.stop();
    const stillPending = await usersDb.outboxEvent.findUniqueOrThrow({ where: { eventId } });
    expect(stillPending.publishedAt).toBeNull();
    const job = await projections.getJob(eventId);
    expect(job).toBeDefined();

    // A fresh relay publishes it again: same jobId, so BullMQ keeps the one job it has.
    const second = relay();
    expect(await second.drain()).toBeGreaterThanOrEqual(1);
    await second.stop();
    expect((await usersDb.outboxEvent.findUniqueOrThrow({ where: { eventId } })).publishedAt).not.toBeNull();
    expect((await projections.getJob(eventId))?.timestamp).toBe(job!.timestamp);

    await worker.start();
    await expect
      .poll(() => chatsDb.blockProjection.count({ where: { blockerId, blockedId } }), { timeout: 10_000 })
      .toBe(1);
    await expect.poll(() => projections.getCompletedCount(), { timeout: 10_000 }).toBe(1);
    // One attempt, and it succeeded: the event ran once.
    expect((await projections.getJob(eventId))?.attemptsMade).toBe(1);
  });

  it('delivers events committed while no relay was running (the producer died before publishing)', async () => {
    const [blockerId, blockedId] = [randomUUID(), randomUUID()];
    await blockEvent(blockerId, blockedId);
    const later = relay();
    await later.start();
    await expect
      .poll(() => chatsDb.blockProjection.count({ where: { blockerId, blockedId } }), { timeout: 10_000 })
      .toBe(1);
    await later.stop();
  });

  it('holds no transaction or row lock while it writes to Redis', async () => {
    const [blockerId, blockedId] = [randomUUID(), randomUUID()];
    const eventId = await blockEvent(blockerId, blockedId);
    let lockedMeanwhile: unknown;
    const watched = relay(async () => {
      // Between addBulk (and WAIT) and marking the row: another session may lock it at once.
      lockedMeanwhile = await usersDb
        .$transaction((tx) =>
          tx.$queryRawUnsafe(
            `SELECT id FROM "users"."OutboxEvent" WHERE "eventId" = $1::uuid FOR UPDATE NOWAIT`,
            eventId,
          ),
        )
        .then(
          () => 'lockable',
          (error: Error) => error.message,
        );
    });
    expect(await watched.drain()).toBeGreaterThanOrEqual(1);
    await watched.stop();
    expect(lockedMeanwhile).toBe('lockable');
    expect((await usersDb.outboxEvent.findUniqueOrThrow({ where: { eventId } })).publishedAt).not.toBeNull();
  });

  it('relays at once when this process wakes it, with no NOTIFY and no poll in time', async () => {
    const relayOf = relay(undefined, { pollIntervalMs: 60_000 });
    await relayOf.start();
    try {
      // Its first loop ran at start; from now on only a wake moves a new row in time.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const eventId = await blockEvent(randomUUID(), randomUUID());
      expect(
        (
          await usersDb.$queryRawUnsafe<{ n: number }[]>(
            `SELECT count(*)::int AS n FROM pg_trigger WHERE tgname = 'OutboxEvent_notify'`,
          )
        )[0]!.n,
      ).toBe(0);
      wakeOutboxRelays();
      await expect
        .poll(async () => (await usersDb.outboxEvent.findUniqueOrThrow({ where: { eventId } })).publishedAt, {
          timeout: 5_000,
        })
        .not.toBeNull();
    } finally {
      await relayOf.stop();
    }
  });

  it('rejects a payload that fails validation without retrying, and keeps it for an operator', async () => {
    const job = await projections.add('UserBlocked', {
      eventId: randomUUID(),
      type: 'UserBlocked',
      version: 1,
      payload: { blockerId: 'not-a-uuid' },
      source: 'users',
      sequence: '1',
    });
    await expect
      .poll(async () => (await projections.getJob(job.id!))?.failedReason, { timeout: 10_000 })
      .toMatch(/Invalid UserBlocked payload/);
    const failed = await projections.getJob(job.id!);
    expect(failed?.attemptsMade).toBe(1);
    expect(await projections.getFailedCount()).toBeGreaterThanOrEqual(1);
  });

  it("rebuilds a lost projection out of the producers' outboxes", async () => {
    const pairs = [0, 1, 2].map(() => ({ blockerId: randomUUID(), blockedId: randomUUID() }));
    for (const pair of pairs) await usersDb.$transaction((tx) => recordEvent(tx, 'UserBlocked', pair));
    await usersDb.$transaction((tx) => recordEvent(tx, 'UserUnblocked', pairs[2]!));
    const live = relay();
    await live.start();
    const current = () => chatsDb.blockProjection.count({ where: { OR: pairs } });
    await expect.poll(current, { timeout: 10_000 }).toBe(2);
    await live.stop();

    await chatsDb.blockProjection.deleteMany({}); // the projection is lost, or was wrong
    const replayed = await rebuildProjection({
      databaseUrl: config.databaseUrl,
      databaseUrls: config.databaseUrls,
      queue: 'chats-projections',
      redis,
      prefix: config.queuePrefix,
    });
    expect(replayed).toBeGreaterThanOrEqual(4);
    await expect.poll(current, { timeout: 10_000 }).toBe(2);
    expect(await chatsDb.blockProjection.count({ where: pairs[2]! })).toBe(0);
  });

  it('prunes published events after the retention; a rebuild then keeps the state it cannot replay', async () => {
    const pairs = [0, 1, 2, 3].map(() => ({ blockerId: randomUUID(), blockedId: randomUUID() }));
    const eventIds: string[] = [];
    for (const pair of pairs.slice(0, 3)) eventIds.push(await blockEvent(pair.blockerId, pair.blockedId));
    const retained = createOutboxRelay({
      databaseUrl: config.databaseUrls.users,
      schema: 'users',
      redis,
      prefix: config.queuePrefix,
      log: () => {},
      retentionHours: 24,
    });
    await retained.drain();
    const blocked = (pair: (typeof pairs)[number]) => chatsDb.blockProjection.count({ where: pair });
    await expect
      .poll(() => Promise.all(pairs.slice(0, 3).map(blocked)), { timeout: 10_000 })
      .toEqual([1, 1, 1]);
    // The first two were published 25 hours ago; the fourth was written as long ago, never published.
    await usersDb.outboxEvent.updateMany({
      where: { eventId: { in: eventIds.slice(0, 2) } },
      data: { publishedAt: new Date(Date.now() - 25 * 3600_000) },
    });
    const pending = await blockEvent(pairs[3]!.blockerId, pairs[3]!.blockedId);
    await usersDb.outboxEvent.update({
      where: { eventId: pending },
      data: { createdAt: new Date(Date.now() - 25 * 3600_000) },
    });

    expect(await retained.prune()).toBe(2);
    const kept = await usersDb.outboxEvent.findMany({ where: { eventId: { in: [...eventIds, pending] } } });
    expect(kept.map((row) => row.eventId).sort()).toEqual([eventIds[2]!, pending].sort());
    await retained.drain();
    await retained.stop();
    await expect.poll(() => blocked(pairs[3]!), { timeout: 10_000 }).toBe(1);

    // The projection lost a row whose event is kept: a rebuild brings it back, and keeps the rows
    // whose events were pruned (emptying it first would lose those blocks for good).
    await chatsDb.blockProjection.deleteMany({ where: pairs[2]! });
    await rebuildProjection({
      databaseUrl: config.databaseUrl,
      databaseUrls: config.databaseUrls,
      queue: 'chats-projections',
      redis,
      prefix: config.queuePrefix,
    });
    await expect.poll(() => blocked(pairs[2]!), { timeout: 10_000 }).toBe(1);
    expect(await Promise.all(pairs.map(blocked))).toEqual([1, 1, 1, 1]);
  });

  it('ignores a stale event: an older unblock arriving after a newer block does not undo it', async () => {
    const [blockerId, blockedId] = [randomUUID(), randomUUID()];
    const base = { blockerId, blockedId };
    const add = (type: string, sequence: string) =>
      projections.add(type, {
        eventId: randomUUID(),
        type,
        version: 1,
        payload: base,
        source: 'users',
        sequence,
      });
    await add('UserBlocked', '1000002');
    await expect.poll(() => chatsDb.blockProjection.count({ where: base }), { timeout: 10_000 }).toBe(1);
    const stale = await add('UserUnblocked', '1000001');
    await expect
      .poll(async () => (await projections.getJob(stale.id!))?.finishedOn, { timeout: 10_000 })
      .toBeDefined();
    expect(await chatsDb.blockProjection.count({ where: base })).toBe(1);
  });
});

describe('Redis durability', () => {
  it("npm start's hint starts Redis with AOF (appendonly yes) and noeviction", async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
      cwd: new URL('..', import.meta.url).pathname,
      // Nothing listens on port 1: start refuses to go on and says how to start Redis.
      env: {
        ...process.env,
        DATABASE_URL: config.databaseUrl,
        REDIS_URL: 'redis://127.0.0.1:1',
        REDIS_CLUSTER_NODES: '',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(1);
    const hint = stderr.split('\n').find((line) => line.includes('redis-server'));
    expect(hint).toContain('--appendonly yes');
    expect(hint).toContain('--maxmemory-policy noeviction');
  });
});
