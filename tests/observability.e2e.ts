import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { consumerQueues } from '@switchboard/messaging';
import {
  InMemorySpanExporter,
  createLogger,
  createMetricsRegistry,
  createTracerProvider,
  registerTracing,
  serveMetrics,
  type ReadableSpan,
} from '@switchboard/observability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, contract, signUp } from './support/client.ts';
import { startStack, type Stack } from './support/stack.ts';
import { subscribe, wsClient } from './support/subscriptions.ts';
import { waitFor } from './support/wait.ts';

const exporter = new InMemorySpanExporter();
const provider = createTracerProvider({ serviceName: 'switchboard-test', exporter });
/** The gateway's log, one string per JSON line. */
const gatewayLog: string[] = [];
const workerMetrics = createMetricsRegistry({ service: 'worker' });

let stack: Stack;
let anonymous: Client;
let tracing: { unregister(): Promise<void> };
beforeAll(async () => {
  tracing = registerTracing(provider);
  stack = await startStack({
    gateway: {
      observability: {
        tracerProvider: provider,
        logger: createLogger({ level: 'info', destination: { write: (line) => void gatewayLog.push(line) } }),
      },
    },
    workerMetrics,
  });
  anonymous = new Client(stack.gateway.url);
});
afterAll(async () => {
  await stack?.stop();
  await tracing?.unregister();
});

const spansIn = (traceId: string) =>
  exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);

/** The gateway's HTTP server span of the operation named `name` (it ends once the response is sent). */
const gatewaySpanOf = async (name: string, traceId?: string): Promise<ReadableSpan> =>
  (await waitFor(
    () =>
      exporter
        .getFinishedSpans()
        .find(
          (span) =>
            span.instrumentationScope.name === '@switchboard/gateway' &&
            span.attributes['graphql.operation.name'] === name &&
            (traceId === undefined || span.spanContext().traceId === traceId),
        ),
    5_000,
    `the gateway's span of ${name}`,
  ))!;

const subgraphSpanIn = async (traceId: string, subgraph: string): Promise<ReadableSpan> =>
  (await waitFor(
    () => spansIn(traceId).find((span) => span.instrumentationScope.name === `@switchboard/${subgraph}`),
    5_000,
    `a ${subgraph} span in trace ${traceId}`,
  ))!;

async function scrape(url: string): Promise<string> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return response.text();
}

/** The value of the first sample of `name` that has all of `labels`, from Prometheus' text format. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3]);
  }
  return undefined;
}

describe('tracing', () => {
  it("puts the gateway's and the subgraphs' spans of one operation in one trace", async () => {
    const traceparents: string[] = [];
    const record = (req: IncomingMessage) => {
      const header = req.headers['traceparent'];
      if (typeof header === 'string') traceparents.push(header);
    };
    stack.subgraphs.users.httpServer.on('request', record);
    try {
      const alice = await signUp(anonymous, 'Alice');
      await alice.client.data('Me');

      const server = await gatewaySpanOf('Me');
      const traceId = server.spanContext().traceId;
      expect(server.parentSpanContext).toBeUndefined();
      expect(server.attributes).toMatchObject({
        'http.request.method': 'POST',
        'http.route': '/graphql',
        'http.response.status_code': 200,
        'graphql.operation.type': 'query',
      });
      const users = await subgraphSpanIn(traceId, 'users');
      const trace = spansIn(traceId);
      // @apollo/gateway's own spans, under the gateway's server span.
      expect(trace.map((span) => span.name)).toEqual(
        expect.arrayContaining(['gateway.request', 'gateway.execute', 'gateway.fetch']),
      );
      const request = trace.find((span) => span.name === 'gateway.request')!;
      expect(request.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
      const fetchToUsers = trace.find(
        (span: ReadableSpan) => span.name === 'gateway.fetch' && span.attributes['service'] === 'users',
      )!;
      expect(users.parentSpanContext?.spanId).toBe(fetchToUsers.spanContext().spanId);
      expect(users.attributes).toMatchObject({
        'graphql.subgraph': 'users',
        'graphql.operation.type': 'query',
      });
      expect(traceparents.map((header) => header.split('-')[1])).toContain(traceId);

      // Each operation is a trace of its own (signUp() sends the contract's SignUpDevice).
      const signUpSpan = await gatewaySpanOf('SignUpDevice');
      expect(signUpSpan.spanContext().traceId).not.toBe(traceId);
    } finally {
      stack.subgraphs.users.httpServer.off('request', record);
    }
  });

  it("continues the client's traceparent", async () => {
    const alice = await signUp(anonymous, 'Alice');
    const traceId = randomBytes(16).toString('hex');
    const parentId = randomBytes(8).toString('hex');
    const result = await alice.client.request(
      contract.get('Me')!,
      {},
      { traceparent: `00-${traceId}-${parentId}-01` },
    );
    expect(result.errors).toBeUndefined();

    const server = await gatewaySpanOf('Me', traceId);
    expect(server.parentSpanContext?.spanId).toBe(parentId);
    await subgraphSpanIn(traceId, 'users');
  });
});

describe('logs', () => {
  it("logs each operation as a JSON line with its trace's id", async () => {
    const alice = await signUp(anonymous, 'Alice');
    const traceId = randomBytes(16).toString('hex');
    await alice.client.request(
      contract.get('Me')!,
      {},
      { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
    );
    const server = await gatewaySpanOf('Me', traceId);

    const lines = gatewayLog.map((line) => JSON.parse(line) as Record<string, unknown>);
    const line = lines.find((entry) => entry['operation'] === 'Me' && entry['trace_id'] === traceId);
    expect(line).toMatchObject({
      level: 'info',
      msg: 'graphql operation',
      service: 'gateway',
      operation_type: 'query',
      trace_id: traceId,
      span_id: server.spanContext().spanId,
    });
    expect(typeof line!['duration_ms']).toBe('number');
    expect(Date.parse(line!['time'] as string)).not.toBeNaN();
  });
});

describe('metrics', () => {
  it('are served on a port of their own in every process, never on the public one (404 there)', async () => {
    for (const server of [stack.gateway, ...Object.values(stack.subgraphs)]) {
      expect(new URL(server.metricsUrl).port).not.toBe(String(server.port));
      expect((await fetch(new URL('/metrics', server.url))).status).toBe(404);
      const response = await fetch(server.metricsUrl);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('process_resident_memory_bytes');
    }
  });

  it('counts, times and classifies operations at the gateway and in a subgraph', async () => {
    const gatewayUrl = stack.gateway.metricsUrl;
    const usersUrl = stack.subgraphs.users.metricsUrl;
    const query = { operation_type: 'query' };
    const parseFailed = { operation_type: 'unknown', code: 'GRAPHQL_PARSE_FAILED' };
    const gatewayBefore = await scrape(gatewayUrl);
    const usersBefore = await scrape(usersUrl);

    const alice = await signUp(anonymous, 'Alice');
    await alice.client.data('Me');
    await anonymous.request('{ me { ');

    const gateway = await scrape(gatewayUrl);
    expect(sample(gateway, 'graphql_requests_total', { ...query, service: 'gateway' })).toBe(
      (sample(gatewayBefore, 'graphql_requests_total', query) ?? 0) + 1,
    );
    expect(sample(gateway, 'graphql_requests_total', { operation_type: 'mutation' })).toBeGreaterThan(
      sample(gatewayBefore, 'graphql_requests_total', { operation_type: 'mutation' }) ?? 0,
    );
    expect(sample(gateway, 'graphql_request_errors_total', parseFailed)).toBe(
      (sample(gatewayBefore, 'graphql_request_errors_total', parseFailed) ?? 0) + 1,
    );
    expect(sample(gateway, 'graphql_request_duration_seconds_count', query)).toBe(
      sample(gateway, 'graphql_requests_total', query),
    );
    expect(sample(gateway, 'graphql_request_duration_seconds_bucket', { ...query, le: '+Inf' })).toBe(
      sample(gateway, 'graphql_requests_total', query),
    );
    expect(sample(gateway, 'process_resident_memory_bytes')).toBeGreaterThan(0);

    const users = await scrape(usersUrl);
    expect(sample(users, 'graphql_requests_total', { ...query, service: 'users' })).toBeGreaterThan(
      sample(usersBefore, 'graphql_requests_total', query) ?? 0,
    );
    expect(sample(users, 'graphql_request_duration_seconds_bucket', { ...query, le: '+Inf' })).toBe(
      sample(users, 'graphql_requests_total', query),
    );
  });

  it('shows open WebSockets, active subscriptions, deliveries and resolutions at the gateway', async () => {
    const url = stack.gateway.metricsUrl;
    const read = async (name: string) => sample(await scrape(url), name) ?? 0;
    const [alice, bob] = await Promise.all([signUp(anonymous, 'Alice'), signUp(anonymous, 'Bob')]);
    const chatId = (
      await alice.client.data('CreateGroup', { input: { title: 'Metrics', memberIds: [bob.id] } })
    ).createGroup.id;
    const before = await scrape(url);
    const was = (name: string) => sample(before, name) ?? 0;

    const socket = wsClient(stack.gateway.url, bob.client.token);
    try {
      const messages = subscribe(socket, 'MessageAdded', { chatId });
      await expect
        .poll(() => read('gateway_subscriptions_active'))
        .toBe(was('gateway_subscriptions_active') + 1);
      expect(await read('gateway_websockets_open')).toBe(was('gateway_websockets_open') + 1);

      await alice.client.data('SendMessage', { input: { chatId, clientId: randomUUID(), body: 'hi' } });
      await messages.nth(1);
      const after = await scrape(url);
      expect(sample(after, 'gateway_subscription_deliveries_total')).toBe(
        was('gateway_subscription_deliveries_total') + 1,
      );
      expect(sample(after, 'gateway_subscription_resolutions_total')).toBe(
        was('gateway_subscription_resolutions_total') + 1,
      );
      expect(sample(after, 'gateway_slow_consumer_closes_total')).toBe(0);
    } finally {
      await socket.dispose();
    }
    await expect.poll(() => read('gateway_websockets_open')).toBe(was('gateway_websockets_open'));
  });

  it("serves the worker's queue depth on its own port", async () => {
    const server = await serveMetrics(workerMetrics, 0);
    try {
      const text = await scrape(server.url);
      for (const queue of consumerQueues) {
        for (const state of ['waiting', 'active', 'delayed', 'failed'])
          expect(sample(text, 'queue_jobs', { queue, state, service: 'worker' })).toBeGreaterThanOrEqual(0);
      }
      expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
      expect((await fetch(new URL('/other', server.url))).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
