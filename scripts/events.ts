// Operator commands for domain events, against DATABASE_URL (each subgraph's DATABASE_URL_<SUBGRAPH>
// where set) / REDIS_URL (or REDIS_CLUSTER_NODES) / QUEUE_PREFIX:
//   npm run events -- failed <queue>     list failed jobs (with why)
//   npm run events -- replay <queue>     retry a queue's failed jobs (after fixing their cause)
//   npm run events -- rebuild <queue>    replay what the producers' outboxes kept into a projection
import { databaseUrlOf } from '@switchboard/core';
import { SUBGRAPH_SCHEMAS } from '@switchboard/db';
import {
  consumerQueues,
  redisAddress,
  redisConnection,
  retryFailed,
  type ConsumerQueue,
} from '@switchboard/messaging';
import { Queue } from 'bullmq';
import { rebuildProjection } from '@switchboard/worker/rebuild';

const [command, name] = process.argv.slice(2);
const databaseUrl = process.env['DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/test';
const env = { ...process.env, DATABASE_URL: databaseUrl };
const databaseUrls = Object.fromEntries(SUBGRAPH_SCHEMAS.map((name) => [name, databaseUrlOf(name, env)]));
const prefix = process.env['QUEUE_PREFIX'] ?? '{switchboard}';
if (!command || !name || !consumerQueues.includes(name as ConsumerQueue)) {
  console.error(`usage: npm run events -- failed|replay|rebuild <${consumerQueues.join('|')}>`);
  process.exit(2);
}
const queue = name as ConsumerQueue;
const redis = redisConnection(
  redisAddress({
    REDIS_URL: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
    REDIS_CLUSTER_NODES: process.env['REDIS_CLUSTER_NODES'],
  }),
);
try {
  if (command === 'failed') {
    const jobs = await new Queue(queue, { connection: redis, prefix }).getFailed(0, 99);
    for (const job of jobs)
      console.log(`${job.id}  ${job.name}  attempts=${job.attemptsMade}  ${job.failedReason}`);
    console.log(`${jobs.length} failed job(s) shown`);
  } else if (command === 'replay') {
    console.log(`${await retryFailed({ queue, redis, prefix })} failed job(s) of ${queue} queued again`);
  } else if (command === 'rebuild') {
    const replayed = await rebuildProjection({ databaseUrl, databaseUrls, queue, redis, prefix });
    console.log(`${queue}: ${replayed} kept event(s) queued again; the worker is applying them`);
  } else {
    console.error(`unknown command ${command}`);
    process.exitCode = 2;
  }
} finally {
  redis.disconnect();
}
