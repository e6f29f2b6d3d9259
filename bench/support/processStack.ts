// The stack as production runs it: each subgraph, the worker and the gateway as its own process,
// compiled (`npm run build`, then `node --conditions=dist <workspace>/dist/index.js`; BENCH_RUNTIME=tsx
// runs the TypeScript sources through tsx as `npm start` does), here on free ports against a bench
// database and queue prefix. Optionally each runs under `--cpu-prof` (BENCH_CPU_PROF=dir); SIGTERM stops them so
// the profiles get written.
import { createServer, type AddressInfo } from 'node:net';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { sampleCpu, type CpuSample } from './cpu.ts';

const ROOT = new URL('../..', import.meta.url).pathname;

export const SUBGRAPHS = ['users', 'chats', 'media', 'presence', 'calls'] as const;
export type SubgraphName = (typeof SUBGRAPHS)[number];

export interface ServiceProcess {
  name: string;
  pid: number;
  /** The URL its ready line names (GraphQL endpoint, or the worker's /metrics). */
  url: string;
  /** Its `/metrics` (the ready line's "metrics at"), when it serves one (not the stock gateway). */
  metricsUrl?: string;
  /** Where its stdout and stderr go. */
  logPath: string;
  /** The DevTools WebSocket when started with `--inspect` (to force a GC from outside). */
  inspectorUrl?: string;
  child: ChildProcess;
}

export interface ServiceOptions {
  name: string;
  /** Entry file, relative to the repository root. */
  entry: string;
  env: Record<string, string>;
  /** Extra node flags, e.g. `--inspect=127.0.0.1:0`. */
  nodeArgs?: string[];
}

export interface ProcessStackOptions {
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  /** Logs and media storage go here. */
  runDir: string;
  /** Start every process with `--cpu-prof` writing here (default: BENCH_CPU_PROF). */
  cpuProfDir?: string;
  /** LOG_LEVEL of every process (default BENCH_LOG_LEVEL, else info, as `npm start`). */
  logLevel?: string;
  /** Extra environment and node flags for the gateway. */
  gatewayEnv?: Record<string, string>;
  gatewayNodeArgs?: string[];
}

export interface ProcessStack {
  /** Starts the subgraphs, then the worker and the gateway; the URLs below are set once it resolves. */
  start(): Promise<void>;
  gatewayUrl: string;
  gatewayMetricsUrl: string;
  subgraphUrls: Record<SubgraphName, string>;
  workerMetricsUrl: string;
  /** Every process started so far, the stack's and any added with `spawn`. */
  services: ServiceProcess[];
  /** Starts one more process (e.g. another gateway) with the stack's common environment. */
  spawn(options: ServiceOptions): Promise<ServiceProcess>;
  /** CPU ms so far of every process, PostgreSQL and Redis (see cpu.ts). */
  cpu(postgresDatabase?: string): CpuSample;
  /** Throws if a process has exited since it started. */
  assertAlive(): void;
  /** SIGTERM to every process (profiles are written on exit), SIGKILL after 20 s; starts no more. */
  stop(): Promise<void>;
}

const READY = /\bready\b\D*?(http:\/\/\S+)/;
const INSPECTOR = /Debugger listening on (ws:\/\/\S+)/;
const METRICS = /metrics at (http:\/\/[^\s)]+)/;

/** Polls the log for the ready line: its URL names the port the process chose. */
async function waitForReady(
  name: string,
  child: ChildProcess,
  logPath: string,
  wantInspector: boolean,
  timeoutMs: number,
): Promise<{ url: string; metricsUrl?: string; inspectorUrl?: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const log = readFileSync(logPath, 'utf8');
    const url = READY.exec(log)?.[1];
    const metricsUrl = METRICS.exec(log)?.[1];
    const inspectorUrl = INSPECTOR.exec(log)?.[1];
    if (url && (!wantInspector || inspectorUrl))
      return { url, ...(metricsUrl ? { metricsUrl } : {}), ...(inspectorUrl ? { inspectorUrl } : {}) };
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${name} exited before it was ready:\n${tail(log)}`);
    if (Date.now() > deadline) throw new Error(`${name} was not ready within ${timeoutMs} ms:\n${tail(log)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** `dist` (default): compiled JavaScript, as deployed; `tsx`: the sources, as `npm start`. */
export const RUNTIME = process.env['BENCH_RUNTIME'] === 'tsx' ? 'tsx' : 'dist';
let built = false;

/**
 * The node arguments that run an entry: a workspace's `src/index.ts` runs as its `dist/index.js`
 * (built once per bench; turbo skips what is up to date), anything else (the bench's own stock
 * gateway) through tsx.
 */
function entryArgs(entry: string): string[] {
  const compiled = entry.replace(/\/src\/index\.ts$/, '/dist/index.js');
  if (RUNTIME === 'tsx' || compiled === entry) return ['--import', 'tsx', entry];
  if (!built) {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    built = true;
  }
  if (!existsSync(join(ROOT, compiled))) throw new Error(`${compiled} is missing after npm run build`);
  return ['--conditions=dist', compiled];
}

const tail = (log: string) => log.split('\n').slice(-20).join('\n');

/**
 * The stack, not started yet: register `stop` for cleanup first, so a bench interrupted while the
 * processes start still stops every one of them.
 */
export function createProcessStack(options: ProcessStackOptions): ProcessStack {
  const cpuProfDir = options.cpuProfDir ?? process.env['BENCH_CPU_PROF'];
  const common: Record<string, string> = {
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    QUEUE_PREFIX: options.queuePrefix,
    LOG_LEVEL: options.logLevel ?? process.env['BENCH_LOG_LEVEL'] ?? 'info',
    // Media writes uploads here and the worker reads them to make thumbnails.
    MEDIA_STORAGE_DIR: join(options.runDir, 'media'),
    PORT: '0',
    // Free ports for /metrics too, so a bench runs beside `npm start` or another bench.
    METRICS_PORT: '0',
  };
  const services: ServiceProcess[] = [];
  const children: { name: string; child: ChildProcess }[] = [];
  let stopping = false;

  async function spawnService({ name, entry, env, nodeArgs = [] }: ServiceOptions): Promise<ServiceProcess> {
    if (stopping) throw new Error(`not starting ${name}: the stack is stopping`);
    const logPath = join(options.runDir, `${name}.log`);
    // The log goes straight to a file: the bench process spends nothing on the children's output.
    const fd = openSync(logPath, 'a');
    // A directory per process: node names each thread's profile (tsx's loader runs in a thread of
    // its own, whose profile would otherwise overwrite the main thread's).
    const profile = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${join(cpuProfDir, name)}`] : [];
    const child = spawn(process.execPath, [...profile, ...nodeArgs, ...entryArgs(entry)], {
      cwd: ROOT,
      env: { ...process.env, ...common, ...env },
      stdio: ['ignore', fd, fd],
      // Its own process group: Ctrl-C reaches the bench, which stops the processes in order.
      detached: true,
    });
    closeSync(fd);
    if (child.pid === undefined) throw new Error(`could not start ${name}`);
    // Kept before it is ready, so a failed start is still stopped.
    children.push({ name, child });
    child.on('exit', (code, signal) => {
      if (!stopping) console.error(`[${name}] exited (${signal ?? code}) during the bench; log: ${logPath}`);
    });
    const wantInspector = nodeArgs.some((arg) => arg.startsWith('--inspect'));
    const ready = await waitForReady(name, child, logPath, wantInspector, 120_000);
    const service = { name, pid: child.pid, logPath, child, ...ready };
    services.push(service);
    return service;
  }

  const stack: ProcessStack = {
    gatewayUrl: '',
    gatewayMetricsUrl: '',
    subgraphUrls: {} as Record<SubgraphName, string>,
    workerMetricsUrl: '',
    services,
    async start() {
      // The gRPC ports are picked here, so runs never clash, and every process is told where they
      // are (chats asks users which users exist, users tells chats of blocks, the gateway and the
      // worker ask presence): defaults would reach whatever else listens on 5001/5002/5004.
      const rpc = { users: await freePort(), chats: await freePort(), presence: await freePort() };
      Object.assign(common, {
        USERS_RPC_URL: `http://127.0.0.1:${rpc.users}`,
        CHATS_RPC_URL: `http://127.0.0.1:${rpc.chats}`,
        PRESENCE_RPC_URL: `http://127.0.0.1:${rpc.presence}`,
      });
      const subgraphs = await Promise.all(
        SUBGRAPHS.map((name) =>
          spawnService({
            name,
            entry: `subgraphs/${name}/src/index.ts`,
            env: name in rpc ? { RPC_PORT: String(rpc[name as keyof typeof rpc]) } : {},
          }),
        ),
      );
      for (const [i, name] of SUBGRAPHS.entries()) stack.subgraphUrls[name] = subgraphs[i]!.url;
      const [worker, gateway] = await Promise.all([
        spawnService({ name: 'worker', entry: 'apps/worker/src/index.ts', env: {} }),
        spawnService({
          name: 'gateway',
          entry: 'apps/gateway/src/index.ts',
          env: {
            ...subgraphUrlEnv(stack.subgraphUrls),
            // The per-user budget (60 per 10 s) would refuse a bench's load; the limiter still runs.
            RATE_LIMIT_MUTATIONS_PER_USER: '1000000/1',
            // Likewise the new-sockets-per-address limit: the bench connects hundreds at once.
            WS_NEW_CONNECTIONS_PER_ADDRESS_PER_SECOND: '1000000',
            ...options.gatewayEnv,
          },
          ...(options.gatewayNodeArgs ? { nodeArgs: options.gatewayNodeArgs } : {}),
        }),
      ]);
      stack.workerMetricsUrl = worker.metricsUrl!;
      stack.gatewayUrl = gateway.url;
      stack.gatewayMetricsUrl = gateway.metricsUrl!;
    },
    spawn: spawnService,
    cpu(postgresDatabase) {
      // In start order, so every table lists the processes alike.
      return sampleCpu(
        Object.fromEntries(children.map(({ name, child }) => [name, child.pid!])),
        postgresDatabase,
      );
    },
    assertAlive() {
      const dead = services.filter((s) => s.child.exitCode !== null || s.child.signalCode !== null);
      if (dead.length > 0)
        throw new Error(
          `process exited during the bench: ${dead.map((s) => `${s.name} (${s.logPath})`).join(', ')}`,
        );
    },
    async stop() {
      stopping = true;
      const stopOne = async ({ child }: { child: ChildProcess }) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(timer);
      };
      // Gateways first, so the subgraphs do not log failed requests from them.
      const isGateway = ({ name }: { name: string }) => name.includes('gateway');
      await Promise.all(children.filter(isGateway).map(stopOne));
      await Promise.all(children.filter((c) => !isGateway(c)).map(stopOne));
    },
  };
  // A bench that dies without its cleanup (an uncaught error at exit) still leaves no process behind.
  process.once('exit', () => {
    for (const { child } of children) if (child.exitCode === null) child.kill('SIGKILL');
  });

  return stack;
}

/** SUBGRAPH_URL_<NAME> for each subgraph, as the gateway (and the stock one) read them. */
export function subgraphUrlEnv(urls: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(urls).map(([name, url]) => [`SUBGRAPH_URL_${name.toUpperCase()}`, url]),
  );
}

/** A TCP port nothing listens on right now (the OS's choice). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
