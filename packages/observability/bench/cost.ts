// What observability costs on a simple query through the gateway (Me: gateway -> users).
// MODE=off: metrics and logs at warn, no tracer provider (the default without
// OTEL_EXPORTER_OTLP_ENDPOINT); MODE=trace: spans batched over OTLP/HTTP to a sink in another
// process; add LOG_LEVEL=info for a JSON line per operation (stdout: redirect it). MODE=none
// skips the observability package, for a tree that predates it.
// Reports p50/p99 and CPU per request of REQUESTS sequential requests, and requests/s with
// CONCURRENCY in flight. Everything but Postgres and Redis runs in this one process.
// Run: npx tsx packages/observability/bench/cost.ts >/dev/null (results go to stderr).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createTestDatabase } from '@switchboard/db';
import { Client, signUp } from '../../../tests/support/client.ts';
import { startStack } from '../../../tests/support/stack.ts';

const MODE = process.env['MODE'] ?? 'off';
const REQUESTS = Number(process.env['REQUESTS'] ?? 500);
const CONCURRENCY = Number(process.env['CONCURRENCY'] ?? 16);
const admin = process.env['DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/test';

/** An OTLP/HTTP sink in its own process, so receiving spans does not load this event loop. */
async function startSink(): Promise<{ endpoint: string; stop(): void }> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `const s = require('node:http').createServer((q, r) => { q.resume(); q.on('end', () => r.end('{}')); });
       s.listen(0, '127.0.0.1', () => console.log(s.address().port));`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [port] = (await once(child.stdout!, 'data')) as [Buffer];
  return { endpoint: `http://127.0.0.1:${port.toString().trim()}`, stop: () => child.kill() };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

const database = await createTestDatabase(admin, { prismaDir: 'prisma' });
const sink = MODE === 'trace' ? await startSink() : undefined;
let unregister = async () => {};
let observability = {};
if (MODE !== 'none') {
  const o = await import('@switchboard/observability');
  if (sink) {
    const provider = o.createTracerProvider({ serviceName: 'bench', otlpEndpoint: sink.endpoint });
    unregister = o.registerTracing(provider).unregister;
    observability = { tracerProvider: provider };
  }
}
const stack = await startStack({ databaseUrl: database.url, worker: false, gateway: { observability } });
try {
  const me = await signUp(new Client(stack.gateway.url));
  const once_ = async () => {
    const started = performance.now();
    const result = await me.client.op('Me');
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return performance.now() - started;
  };
  for (let i = 0; i < 200; i++) await once_();

  const latencies: number[] = [];
  const cpu = process.cpuUsage();
  for (let i = 0; i < REQUESTS; i++) latencies.push(await once_());
  const { user, system } = process.cpuUsage(cpu);
  latencies.sort((a, b) => a - b);

  let left = REQUESTS * 2;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (left-- > 0) await once_();
    }),
  );
  const rps = (REQUESTS * 2) / ((performance.now() - started) / 1000);
  console.error(
    JSON.stringify({
      mode: MODE,
      log: process.env['LOG_LEVEL'] ?? 'warn',
      p50_ms: +percentile(latencies, 50).toFixed(2),
      p99_ms: +percentile(latencies, 99).toFixed(2),
      mean_ms: +(latencies.reduce((a, b) => a + b, 0) / latencies.length).toFixed(2),
      // CPU this process (client, gateway, subgraphs; not Postgres) spent per request.
      cpu_ms: +((user + system) / 1000 / REQUESTS).toFixed(2),
      rps: Math.round(rps),
    }),
  );
} finally {
  await stack.stop();
  await unregister();
  sink?.stop();
  await database.drop();
}
