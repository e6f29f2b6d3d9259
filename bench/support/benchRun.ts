// The life of one bench run: its own database, BullMQ prefix and temp directory, and cleanup that
// runs however the bench ends (done, failed, Ctrl-C): processes stopped, database dropped, keys gone.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, databaseName, pgAdapter } from '@switchboard/db';
import { redisConnection } from '@switchboard/messaging';
import type { Redis } from 'ioredis';
import { PrismaClient as UsersDb } from '../../subgraphs/users/src/generated/prisma/client.ts';
import { createProcessStack, type ProcessStack, type ProcessStackOptions } from './processStack.ts';

export interface BenchRun {
  databaseUrl: string;
  databaseName: string;
  redisUrl: string;
  queuePrefix: string;
  /** Logs and media storage; kept when the run fails (or with BENCH_KEEP=1). */
  runDir: string;
  /** The users subgraph's tables, for seeding users without SignUp (scrypt is slow on purpose). */
  usersDb: UsersDb;
  /** Starts the stack as separate processes; it is stopped when the run ends. */
  startStack(options?: Partial<ProcessStackOptions>): Promise<ProcessStack>;
  /** Runs at the end, last registered first. */
  defer(cleanup: () => unknown): void;
}

/** Reads a numeric setting from the environment, with a default. */
export function setting(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number, got ${raw}`);
  return value;
}

/** "load 1.23 0.98 0.76", for the figures' context (the machine is shared). */
export const loadAverage = () =>
  `load ${loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')}`;

export async function runBench(name: string, body: (run: BenchRun) => Promise<void>): Promise<void> {
  const admin = process.env['DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/test';
  const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  const queuePrefix = `bench-${randomBytes(4).toString('hex')}`;
  const cleanups: (() => unknown)[] = [];
  let failed = false;
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      for (const step of cleanups.reverse()) {
        try {
          await step();
        } catch (error) {
          console.error('cleanup step failed:', error);
        }
      }
    })());
  // `on`, not `once`: Ctrl-C reaches the bench twice (from the terminal and relayed by tsx), and a
  // second signal without a listener would kill it halfway through its cleanup.
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (interrupted) return;
      interrupted = true;
      console.error(`\n${signal}: stopping the processes and dropping the bench database`);
      failed = true;
      void cleanup().finally(() => process.exit(130));
    });
  }

  // A promise left failing by an interrupted step must not end the process before its cleanup.
  process.on('unhandledRejection', (error) => {
    if (!interrupted) console.error('unhandled rejection:', error);
  });

  const runDir = await mkdtemp(join(tmpdir(), `switchboard-bench-${name}-`));
  cleanups.push(async () => {
    if (failed || process.env['BENCH_KEEP'] === '1') console.error(`logs kept in ${runDir}`);
    else await rm(runDir, { recursive: true, force: true });
  });
  // Benchmarks run on one Redis (SCAN reads a single server).
  const redis = redisConnection(redisUrl) as Redis;
  cleanups.push(async () => {
    const keys: string[] = [];
    for await (const batch of redis.scanStream({ match: `${queuePrefix}:*`, count: 1000 }))
      keys.push(...(batch as string[]));
    for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
    redis.disconnect();
  });
  try {
    const database = await createTestDatabase(admin, {
      prismaDir: new URL('../../prisma', import.meta.url).pathname,
    });
    cleanups.push(() => database.drop());
    const usersDb = new UsersDb({ adapter: pgAdapter(database.url, 4) });
    cleanups.push(() => usersDb.$disconnect());
    console.log(
      `bench:${name}  ${new Date().toISOString()}  ${loadAverage()}  (database ${databaseName(database.url)}, logs ${runDir})`,
    );
    await body({
      databaseUrl: database.url,
      databaseName: databaseName(database.url),
      redisUrl,
      queuePrefix,
      runDir,
      usersDb,
      async startStack(options = {}) {
        const stack = createProcessStack({
          databaseUrl: database.url,
          redisUrl,
          queuePrefix,
          runDir,
          ...options,
        });
        cleanups.push(() => stack.stop());
        await stack.start();
        return stack;
      },
      defer: (step) => cleanups.push(step),
    });
  } catch (error) {
    failed = true;
    // Once interrupted, steps fail because their processes are gone: that is not news.
    if (!interrupted) console.error(error);
    process.exitCode = 1;
  } finally {
    await cleanup();
  }
  // Whatever a failed step left open (a timer, a keep-alive socket) must not keep the bench running.
  process.exit();
}
