// `npm start`: checks PostgreSQL and Redis, applies migrations, then runs the four subgraphs, the
// worker and the gateway as separate processes (as they would be deployed), with prefixed logs.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { migrateAll, SUBGRAPH_SCHEMAS } from '@switchboard/db';
import { redisAddress, redisConnection } from '@switchboard/messaging';

const databaseUrl = process.env['DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/test';
const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
// With REDIS_CLUSTER_NODES every process uses that Redis Cluster instead (README, "Scaling").
const redis = redisAddress({ REDIS_URL: redisUrl, REDIS_CLUSTER_NODES: process.env['REDIS_CLUSTER_NODES'] });
const gatewayPort = Number(process.env['PORT'] ?? 4000);

async function checkPostgres(): Promise<boolean> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch (error) {
    console.error(`PostgreSQL is not reachable at ${databaseUrl}: ${(error as Error).message}`);
    console.error(
      `  start it with:  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`,
    );
    console.error('  or point DATABASE_URL at a running server.');
    return false;
  }
}

async function checkRedis(): Promise<boolean> {
  const client = redisConnection(redis, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => {}); // reported below
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch (error) {
    console.error(`Redis is not reachable at ${redis}: ${(error as Error).message}`);
    // AOF: queued jobs (pushes, projections) survive a Redis restart; noeviction: none is evicted.
    console.error(
      '  start it with:  mkdir -p ~/.switchboard-redis && redis-server --daemonize yes --bind 127.0.0.1 ' +
        '--port 6379 --dir ~/.switchboard-redis --appendonly yes --maxmemory-policy noeviction',
    );
    console.error('  (appendonly yes keeps queued jobs across a Redis restart: README, "Operations")');
    console.error('  or point REDIS_URL at a running server.');
    return false;
  } finally {
    client.disconnect();
  }
}

if (!(await Promise.all([checkPostgres(), checkRedis()])).every(Boolean)) process.exit(1);
if (SUBGRAPH_SCHEMAS.some((schema) => !existsSync(`subgraphs/${schema}/src/generated/prisma/client.ts`))) {
  execFileSync('npm', ['run', 'db:generate'], { stdio: 'inherit' });
}
await migrateAll(databaseUrl, 'prisma', (message) => console.log(`[migrate] ${message}`));

const webPort = Number(process.env['WEB_PORT'] ?? 5173);
// presence's gRPC port, where the gateway keeps its one stream of connection changes.
const presenceRpcPort = Number(process.env['PRESENCE_RPC_PORT'] ?? 5004);
const processes: [name: string, entry: string, env?: Record<string, string>][] = [
  ['users', 'subgraphs/users/src/index.ts'],
  ['chats', 'subgraphs/chats/src/index.ts'],
  ['media', 'subgraphs/media/src/index.ts'],
  ['presence', 'subgraphs/presence/src/index.ts', { RPC_PORT: String(presenceRpcPort) }],
  ['worker', 'apps/worker/src/index.ts'],
  ['gateway', 'apps/gateway/src/index.ts', { PRESENCE_RPC_URL: `http://127.0.0.1:${presenceRpcPort}` }],
  // The web client's dev server; it proxies /graphql to the gateway and /media/ to media.
  [
    'web',
    'apps/web/server/index.ts',
    { PORT: String(webPort), GATEWAY_URL: `http://127.0.0.1:${gatewayPort}` },
  ],
];
const children: ChildProcess[] = [];
let stopping = false;

for (const [name, entry, env] of processes) {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: { ...process.env, DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `[${name}]`.padEnd(11);
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) console.log(`${prefix}${line}`);
    });
  }
  child.on('exit', (code) => {
    if (stopping) return;
    console.error(`${prefix}exited with code ${code}; stopping everything`);
    shutdown(1);
  });
  children.push(child);
}

function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 5000).unref();
  Promise.all(
    children.map(
      (child) =>
        new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve))),
    ),
  ).then(() => process.exit(code));
}
process.once('SIGINT', () => shutdown());
process.once('SIGTERM', () => shutdown());

// Say where to go once the whole system answers.
const deadline = Date.now() + 60_000;
for (;;) {
  try {
    const response = await fetch(`http://127.0.0.1:${gatewayPort}/health`);
    if (response.ok) break;
  } catch {
    // not up yet
  }
  if (Date.now() > deadline) {
    console.error('The gateway did not become healthy within 60 s; see the logs above.');
    break;
  }
  await new Promise((resolve) => setTimeout(resolve, 250));
}
console.log(`\nReady: GraphQL at http://localhost:${gatewayPort}/graphql (HTTP and WebSocket).`);
console.log(`Web client: open http://localhost:${webPort} in a browser.`);
console.log(
  `Apollo Sandbox: open http://localhost:${gatewayPort}/graphql in a browser. Ctrl-C stops everything.\n`,
);
