// `npm start`: checks PostgreSQL and Redis, applies migrations, then runs the five subgraphs, the
// worker and the gateway as separate processes (as they would be deployed), with prefixed logs,
// and a local coturn for calls when it is installed.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { databaseUrlOf } from '@switchboard/core';
import { DEV_TURN_SECRET } from '@switchboard/calls';
import { localTurnUrls, startLocalCoturn, TURNSERVER, type LocalCoturn } from '@switchboard/calls/turn';
import { migrateAll, SUBGRAPH_SCHEMAS } from '@switchboard/db';
import { redisAddress, redisConnection } from '@switchboard/messaging';
import { DEFAULT_METRICS_PORTS } from '@switchboard/observability';
import { childEnv } from './childEnv.ts';
import { waitUntilReady, type ReadyCheck } from './waitUntilReady.ts';

const databaseUrl = process.env['DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/test';
// Each subgraph's own database where DATABASE_URL_<SUBGRAPH> says so, else the shared one.
const databaseUrls = Object.fromEntries(
  SUBGRAPH_SCHEMAS.map((name) => [name, databaseUrlOf(name, { ...process.env, DATABASE_URL: databaseUrl })]),
);
const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
// With REDIS_CLUSTER_NODES every process uses that Redis Cluster instead (README, "Scaling").
const redis = redisAddress({ REDIS_URL: redisUrl, REDIS_CLUSTER_NODES: process.env['REDIS_CLUSTER_NODES'] });
// PORT is the gateway's alone (README, "Run it"); each subgraph has its own port below.
const gatewayPort = Number(process.env['PORT'] ?? 4000);

async function checkPostgres(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch (error) {
    console.error(`PostgreSQL is not reachable at ${url}: ${(error as Error).message}`);
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

const postgresUrls = [...new Set([databaseUrl, ...Object.values(databaseUrls)])];
if (!(await Promise.all([...postgresUrls.map(checkPostgres), checkRedis()])).every(Boolean)) process.exit(1);
if (SUBGRAPH_SCHEMAS.some((schema) => !existsSync(`subgraphs/${schema}/src/generated/prisma/client.ts`))) {
  execFileSync('npm', ['run', 'db:generate'], { stdio: 'inherit' });
}
await migrateAll(databaseUrls, 'prisma', (message) => console.log(`[migrate] ${message}`));

/**
 * TURN for calls (README, "Calls"): a local coturn on 127.0.0.1 when the `coturn` package is
 * installed, with the calls subgraph's secret. Without it calls still work on this machine (the
 * browsers reach each other directly), so it is a hint, not an error.
 */
async function startTurn(): Promise<{ coturn?: LocalCoturn; env: Record<string, string> }> {
  const noTurn = { env: { TURN_URLS: '', STUN_URLS: '' } };
  if (!existsSync(TURNSERVER)) {
    console.log(`[coturn]   not installed: calls work on this machine only, without a TURN relay.`);
    console.log(
      `[coturn]   install it with:  apt-get install -y coturn   (Debian/Ubuntu), then npm start again.`,
    );
    return noTurn;
  }
  const port = Number(process.env['TURN_PORT'] ?? 3478);
  // coturn's banner is some 50 lines on every start: kept (its last lines) and shown only when
  // coturn fails, to say why.
  const output: string[] = [];
  const showOutput = () => {
    for (const line of output.splice(0)) console.error(`[coturn]   ${line}`);
  };
  try {
    const coturn = await startLocalCoturn({
      secret: process.env['TURN_SECRET'] ?? DEV_TURN_SECRET,
      port,
      relayPorts: { min: 49160, max: 49200 },
      onLog: (line) => {
        output.push(line);
        if (output.length > 100) output.shift();
      },
    });
    coturn.process.once('exit', (code, signal) => {
      if (stopping) return;
      showOutput();
      console.error(`[coturn]   exited (${signal ?? `code ${code}`}); calls go on without TURN.`);
    });
    console.log(`[coturn]   TURN at 127.0.0.1:${port} (UDP and TCP), relaying on UDP 49160-49200`);
    return { coturn, env: { TURN_URLS: localTurnUrls(port).join(','), STUN_URLS: `stun:127.0.0.1:${port}` } };
  } catch (error) {
    showOutput();
    console.error(`[coturn]   did not start (${(error as Error).message}); calls go on without TURN.`);
    return noTurn;
  }
}
let stopping = false;
const turn = await startTurn();
// coturn is our child too: never leave it running, however this process ends.
process.once('exit', () => turn.coturn?.process.kill());

const webPort = Number(process.env['WEB_PORT'] ?? 5173);
// The internal gRPC plane: users (which ids exist), chats (blocks, devices, call signals), presence
// (connections, who is online).
const rpcPorts = {
  users: Number(process.env['USERS_RPC_PORT'] ?? 5001),
  chats: Number(process.env['CHATS_RPC_PORT'] ?? 5002),
  presence: Number(process.env['PRESENCE_RPC_PORT'] ?? 5004),
};
const rpcUrls = {
  USERS_RPC_URL: `http://127.0.0.1:${rpcPorts.users}`,
  CHATS_RPC_URL: `http://127.0.0.1:${rpcPorts.chats}`,
  PRESENCE_RPC_URL: `http://127.0.0.1:${rpcPorts.presence}`,
};
// Each process serves /metrics on a port of its own, never on a port clients reach.
const metrics = (name: keyof typeof DEFAULT_METRICS_PORTS) => ({
  METRICS_PORT: String(DEFAULT_METRICS_PORTS[name]),
});
// The subgraphs' own ports, where the gateway looks for them by default.
const subgraphPorts = { users: 4001, chats: 4002, media: 4003, presence: 4004, calls: 4005 };
const port = (name: keyof typeof subgraphPorts) => ({ PORT: String(subgraphPorts[name]) });
const readyAt = (port: number | string, path = '/ready') => `http://127.0.0.1:${port}${path}`;
/** Each process, its entry, its own settings and the URL that answers once it is ready. */
const processes: [name: string, entry: string, env: Record<string, string>, ready: string][] = [
  [
    'users',
    'subgraphs/users/src/index.ts',
    { ...rpcUrls, ...port('users'), RPC_PORT: String(rpcPorts.users), ...metrics('users') },
    readyAt(subgraphPorts.users),
  ],
  [
    'chats',
    'subgraphs/chats/src/index.ts',
    { ...rpcUrls, ...port('chats'), RPC_PORT: String(rpcPorts.chats), ...metrics('chats') },
    readyAt(subgraphPorts.chats),
  ],
  [
    'media',
    'subgraphs/media/src/index.ts',
    { ...port('media'), ...metrics('media') },
    readyAt(subgraphPorts.media),
  ],
  [
    'presence',
    'subgraphs/presence/src/index.ts',
    { ...rpcUrls, ...port('presence'), RPC_PORT: String(rpcPorts.presence), ...metrics('presence') },
    readyAt(subgraphPorts.presence),
  ],
  [
    'calls',
    'subgraphs/calls/src/index.ts',
    { ...rpcUrls, ...port('calls'), ...turn.env, ...metrics('calls') },
    readyAt(subgraphPorts.calls),
  ],
  // The worker serves nothing but /metrics, once its queues are started.
  [
    'worker',
    'apps/worker/src/index.ts',
    { ...rpcUrls, ...metrics('worker') },
    readyAt(DEFAULT_METRICS_PORTS.worker, '/metrics'),
  ],
  [
    'gateway',
    'apps/gateway/src/index.ts',
    { ...rpcUrls, PORT: String(gatewayPort), ...metrics('gateway') },
    readyAt(gatewayPort),
  ],
  // The web client's dev server; it proxies /graphql to the gateway and /media/ to media.
  [
    'web',
    'apps/web/server/index.ts',
    { PORT: String(webPort), GATEWAY_URL: `http://127.0.0.1:${gatewayPort}` },
    readyAt(webPort, '/'),
  ],
];
const children: ChildProcess[] = [];
/** Settles with the reason when a process exits before everything stops. */
let reportDeath!: (reason: string) => void;
const died = new Promise<string>((resolve) => (reportDeath = resolve));

for (const [name, entry, env] of processes) {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: childEnv(process.env, { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `[${name}]`.padEnd(11);
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) console.log(`${prefix}${line}`);
    });
  }
  child.on('exit', (code, signal) => {
    if (stopping) return;
    const reason = `${name} exited with ${signal ?? `code ${code}`} (its output is above, prefixed [${name}])`;
    console.error(`${prefix}exited with ${signal ?? `code ${code}`}; stopping everything`);
    reportDeath(reason);
    shutdown(1);
  });
  children.push(child);
}

function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  void turn.coturn?.stop();
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

// Say where to go once every process answers, and never before: one that died ends it all.
const checks: ReadyCheck[] = processes.map(([name, , , url]) => ({ name, url }));
try {
  await waitUntilReady(checks, { died, timeoutMs: 90_000 });
} catch (error) {
  console.error(`\nNot started: ${(error as Error).message}; see the logs above.`);
  shutdown(1);
  await new Promise(() => {}); // shutdown exits
}
console.log(`\nReady: GraphQL at http://localhost:${gatewayPort}/graphql (HTTP and WebSocket).`);
console.log(`Web client: open http://localhost:${webPort} in a browser.`);
console.log(
  `Apollo Sandbox: open http://localhost:${gatewayPort}/graphql in a browser. Ctrl-C stops everything.\n`,
);
