import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { randomUUID } from 'node:crypto';
import { recordEvent } from '@switchboard/core';
import { pgAdapter } from '@switchboard/db';
import { createOutboxRelay, redisConnection } from '@switchboard/messaging';
import { createWorker } from '@switchboard/worker';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PrismaClient as ChatsDb } from '../subgraphs/chats/src/generated/prisma/client.ts';
import { PrismaClient as UsersDb } from '../subgraphs/users/src/generated/prisma/client.ts';
import { stackConfig, standaloneWorkerIdentity, vapid } from './support/stack.ts';
import { waitFor } from './support/wait.ts';

// A Redis server of this test's own, so restarting it disturbs no other test file.
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
  });
}

let port: number;
let redisServer: ChildProcess;
let config: Awaited<ReturnType<typeof stackConfig>>;
let usersDb: UsersDb;
let chatsDb: ChatsDb;

beforeAll(async () => {
  port = await freePort();
  redisServer = await startRedis(port);
  config = await stackConfig({ redisUrl: `redis://127.0.0.1:${port}` });
  usersDb = new UsersDb({ adapter: pgAdapter(config.databaseUrls.users, 2) });
  chatsDb = new ChatsDb({ adapter: pgAdapter(config.databaseUrls.chats, 2) });
});
afterAll(async () => {
  await Promise.all([usersDb?.$disconnect(), chatsDb?.$disconnect()]);
  redisServer?.kill('SIGKILL');
});

describe('a Redis restart', () => {
  it('is survived by the relay and the worker, which resume on their own', async () => {
    const redis = redisConnection(config.redisUrl);
    const relay = createOutboxRelay({
      ...config,
      databaseUrl: config.databaseUrls.users,
      schema: 'users',
      redis,
      prefix: config.queuePrefix,
      pollIntervalMs: 100,
      log: () => {},
    });
    const worker = createWorker({
      ...config,
      ...standaloneWorkerIdentity(config),
      prefix: config.queuePrefix,
      vapid,
      log: () => {},
    });
    await relay.start();
    await worker.start();
    const block = async () => {
      const pair = { blockerId: randomUUID(), blockedId: randomUUID() };
      await usersDb.$transaction((tx) => recordEvent(tx, 'UserBlocked', pair));
      return pair;
    };

    const before = await block();
    await waitFor(
      async () => (await chatsDb.blockProjection.count({ where: before })) === 1,
      10_000,
      'the first event',
    );

    // Every queue's reconnect attempts go to the JSON log, throttled, never to stderr as bare
    // stack dumps (BullMQ's console.error for an error nobody listens to).
    const dumped = vi.spyOn(console, 'error');
    redisServer.kill('SIGKILL');
    await once(redisServer, 'exit');
    // Committed while Redis is down: it waits in the outbox, not lost.
    const during = await block();
    redisServer = await startRedis(port);
    const after = await block();

    await waitFor(
      async () => (await chatsDb.blockProjection.count({ where: { OR: [during, after] } })) === 2,
      30_000,
      'events committed during and after the restart',
    );
    expect(await chatsDb.blockProjection.count({ where: { OR: [before, during, after] } })).toBe(3);
    expect(dumped.mock.calls).toEqual([]);
    dumped.mockRestore();
    await Promise.all([relay.stop(), worker.stop()]);
    redis.disconnect();
  });
});
