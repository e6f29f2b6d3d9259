// A local Redis Cluster from the machine's redis-server: 3 masters and 3 replicas with AOF on, in a
// directory of their own. CI and `npm run test:cluster` start one and point REDIS_CLUSTER_NODES at
// it; the failover test starts a private one so that killing a master disturbs no other test.
//
//   npx tsx scripts/redis-cluster.ts start [--dir DIR] [--port 7001]   prints host:port,host:port,...
//   npx tsx scripts/redis-cluster.ts stop --dir DIR
import { execFile, spawn } from 'node:child_process';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';

const run = promisify(execFile);
const HOST = '127.0.0.1';
const SIZE = 6;

export interface LocalRedisCluster {
  dir: string;
  ports: number[];
  /** `host:port,host:port,...`: what REDIS_CLUSTER_NODES takes. */
  nodes: string;
  /** The port of the master that serves `slot` now. */
  masterOf(slot: number): Promise<number>;
  /** SIGKILL of one node's redis-server: a crash, nothing flushed or handed over. */
  kill(port: number): Promise<void>;
  /** Starts a killed node again on its old files: it rejoins (as a replica if it was replaced). */
  restart(port: number): Promise<void>;
  /** Resolves once every node agrees the cluster is ok and every master has a synced replica. */
  waitHealthy(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const cli = async (port: number, ...args: string[]) =>
  (await run('redis-cli', ['-h', HOST, '-p', String(port), ...args])).stdout;

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
      .once('error', () => resolve(false))
      .listen(port, HOST, () => server.close(() => resolve(true)));
  });
}

/** Six consecutive ports from `from` whose cluster bus ports (+10000) are free too. */
async function freePorts(from: number): Promise<number[]> {
  for (let base = from; base < from + 2000; base += SIZE) {
    const ports = Array.from({ length: SIZE }, (_, i) => base + i);
    const free = await Promise.all(ports.flatMap((port) => [portFree(port), portFree(port + 10_000)]));
    if (free.every(Boolean)) return ports;
  }
  throw new Error(`no ${SIZE} free ports (and bus ports) from ${from}`);
}

async function startNode(dir: string, port: number, nodeTimeoutMs: number): Promise<void> {
  const nodeDir = join(dir, String(port));
  await mkdir(nodeDir, { recursive: true });
  // prettier-ignore
  const args = [
    '--bind', HOST, '--port', String(port), '--dir', nodeDir,
    '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf',
    '--cluster-node-timeout', String(nodeTimeoutMs),
    '--appendonly', 'yes', '--save', '', '--maxmemory-policy', 'noeviction',
    '--daemonize', 'yes', '--pidfile', join(nodeDir, 'redis.pid'), '--logfile', join(nodeDir, 'redis.log'),
  ];
  await new Promise<void>((resolve, reject) => {
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`redis-server exited ${code}`))));
  });
  for (let i = 0; i < 100; i++) {
    if ((await cli(port, 'ping').catch(() => '')).trim() === 'PONG') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`redis-server on ${port} did not answer`);
}

async function pidOf(dir: string, port: number): Promise<number | undefined> {
  const text = await readFile(join(dir, String(port), 'redis.pid'), 'utf8').catch(() => '');
  return Number(text.trim()) || undefined;
}

/** A cluster handle over nodes already running in `dir` (from `start`). */
export function redisCluster(dir: string, ports: number[], nodeTimeoutMs = 3_000): LocalRedisCluster {
  const alive = async () => {
    const answers = await Promise.all(ports.map((port) => cli(port, 'ping').catch(() => '')));
    return ports.filter((_, i) => answers[i]!.trim() === 'PONG');
  };
  return {
    dir,
    ports,
    nodes: ports.map((port) => `${HOST}:${port}`).join(','),
    async masterOf(slot) {
      const [port] = await alive();
      if (port === undefined) throw new Error('no node of the cluster answers');
      const redis = new Redis(port, HOST, { lazyConnect: true, maxRetriesPerRequest: 0 });
      try {
        // [[start, end, [host, port, id] of the master, ...replicas], ...]
        const range = (await redis.cluster('SLOTS')).find(([start, end]) => slot >= start && slot <= end);
        const master = range?.[2];
        if (!master) throw new Error(`no master serves slot ${slot}`);
        return master[1];
      } finally {
        redis.disconnect();
      }
    },
    async kill(port) {
      const pid = await pidOf(dir, port);
      if (pid) process.kill(pid, 'SIGKILL');
      for (let i = 0; i < 100 && (await portFree(port)) === false; i++)
        await new Promise((resolve) => setTimeout(resolve, 20));
    },
    restart: (port) => startNode(dir, port, nodeTimeoutMs),
    async waitHealthy(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      let last = '';
      while (Date.now() < deadline) {
        const running = await alive();
        const infos = await Promise.all(running.map((port) => cli(port, 'cluster', 'info').catch(() => '')));
        const replication = await Promise.all(
          running.map((port) => cli(port, 'info', 'replication').catch(() => '')),
        );
        const ok = infos.every((info) => /cluster_state:ok/.test(info) && /cluster_known_nodes:6/.test(info));
        const replicasSynced = replication
          .filter((info) => /role:slave/.test(info))
          .every((info) => /master_link_status:up/.test(info));
        const masters = replication.filter((info) => /role:master/.test(info)).length;
        const replicas = replication.filter((info) => /role:slave/.test(info)).length;
        if (running.length === SIZE && ok && replicasSynced && masters === 3 && replicas === 3) return;
        last = `${running.length} running, ${masters} masters, ${replicas} replicas, ok=${ok}, synced=${replicasSynced}`;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      throw new Error(`Redis Cluster in ${dir} not healthy after ${timeoutMs} ms: ${last}`);
    },
    async stop() {
      await Promise.all(
        ports.map(async (port) => {
          const pid = await pidOf(dir, port);
          try {
            if (pid) process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }),
      );
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function startRedisCluster(
  options: { dir?: string; fromPort?: number; nodeTimeoutMs?: number } = {},
): Promise<LocalRedisCluster> {
  const nodeTimeoutMs = options.nodeTimeoutMs ?? 3_000;
  const ports = await freePorts(options.fromPort ?? 7001);
  const dir = options.dir ?? join(tmpdir(), `switchboard-redis-cluster-${ports[0]}`);
  await rm(dir, { recursive: true, force: true });
  const cluster = redisCluster(dir, ports, nodeTimeoutMs);
  try {
    await Promise.all(ports.map((port) => startNode(dir, port, nodeTimeoutMs)));
    // prettier-ignore
    await run('redis-cli', [
      '--cluster', 'create', ...ports.map((port) => `${HOST}:${port}`),
      '--cluster-replicas', '1', '--cluster-yes',
    ]);
    await cluster.waitHealthy();
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}

async function main(argv: string[]) {
  const [command, ...rest] = argv;
  const option = (name: string) => {
    const index = rest.indexOf(`--${name}`);
    return index >= 0 ? rest[index + 1] : undefined;
  };
  if (command === 'start') {
    const port = option('port');
    const dir = option('dir');
    const cluster = await startRedisCluster({
      ...(dir ? { dir } : {}),
      ...(port ? { fromPort: Number(port) } : {}),
    });
    process.stdout.write(`${cluster.nodes}\n`);
    if (!dir) process.stderr.write(`cluster files in ${cluster.dir}; stop with: stop --dir ${cluster.dir}\n`);
  } else if (command === 'stop') {
    const dir = option('dir');
    if (!dir) throw new Error('stop needs --dir DIR');
    const { readdir } = await import('node:fs/promises');
    const ports = (await readdir(dir).catch(() => [])).map(Number).filter(Number.isInteger);
    await redisCluster(dir, ports).stop();
  } else {
    console.error('usage: redis-cluster.ts start [--dir DIR] [--port FROM] | stop --dir DIR');
    process.exit(2);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main(process.argv.slice(2));
