// `npm run test:cluster [files...]`: the tests that touch Redis most, against a Redis Cluster of
// 3 masters and 3 replicas started for the run (scripts/redis-cluster.ts) and stopped after it.
// `npm test` runs them against the single REDIS_URL; CI runs both.
import { spawn } from 'node:child_process';
import { startRedisCluster } from './redis-cluster.ts';

const FILES = [
  'tests/realtime.e2e.ts',
  'tests/events.e2e.ts',
  'tests/push.e2e.ts',
  'tests/guards.e2e.ts',
  'tests/live-directives.e2e.ts',
  'tests/presence-stream.e2e.ts',
  'tests/chats-live.e2e.ts',
  'tests/inbox.e2e.ts',
  'tests/redis-failover.e2e.ts',
  'tests/entity-cache-redis.e2e.ts',
  'packages/messaging/src/live.test.ts',
];

const files = process.argv.slice(2);
const cluster = await startRedisCluster();
console.log(`Redis Cluster up: REDIS_CLUSTER_NODES=${cluster.nodes}`);
let code = 1;
try {
  const child = spawn('npx', ['vitest', 'run', ...(files.length ? files : FILES)], {
    stdio: 'inherit',
    env: { ...process.env, REDIS_CLUSTER_NODES: cluster.nodes },
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => child.kill(signal));
  code = await new Promise<number>((resolve) => child.once('exit', (exit) => resolve(exit ?? 1)));
} finally {
  await cluster.stop();
}
process.exit(code);
