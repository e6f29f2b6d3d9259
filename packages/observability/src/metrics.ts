import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export { Registry };

/** A registry per server (several run in one test process), with Node's process metrics. */
export function createMetricsRegistry(
  options: { service?: string; processMetrics?: boolean } = {},
): Registry {
  const registry = new Registry();
  if (options.service) registry.setDefaultLabels({ service: options.service });
  // The event-loop delay histogram samples every 100 ms, not prom-client's default 10 ms: that
  // timer alone kept an idle process at ~0.5% of a core (nine processes: ~4.5%), and a stall long
  // enough to matter still shows in the histogram at this rate.
  if (options.processMetrics ?? true)
    collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 100 });
  return registry;
}

/** GET handler that answers with the registry in Prometheus' text format. */
export function metricsHandler(registry: Registry) {
  return (_req: IncomingMessage, res: ServerResponse): void => {
    registry.metrics().then(
      (body) => {
        res.setHeader('content-type', registry.contentType);
        res.end(body);
      },
      () => {
        res.statusCode = 500;
        res.end();
      },
    );
  };
}

/**
 * `/metrics` on a port of its own (every process's METRICS_PORT): never on a port that serves
 * anything else, so the scraper's route is never one a client reaches.
 */
export async function serveMetrics(
  registry: Registry,
  port: number,
  host = '127.0.0.1',
): Promise<{ url: string; close(): Promise<void> }> {
  const handle = metricsHandler(registry);
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET' && req.url?.split('?')[0] === '/metrics') return handle(req, res);
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Seconds; GraphQL operations here take from under a millisecond (subgraph) to seconds. */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Request count, errors and latency of a GraphQL server, by operation type. */
export function graphqlMetrics(registry: Registry) {
  const requests = new Counter({
    name: 'graphql_requests_total',
    help: 'GraphQL operations answered, by operation type',
    labelNames: ['operation_type'],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'graphql_request_errors_total',
    help: 'GraphQL operations answered with errors, by operation type and the first error code',
    labelNames: ['operation_type', 'code'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'graphql_request_duration_seconds',
    help: 'Time from receiving a GraphQL operation to its response, by operation type',
    labelNames: ['operation_type'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  return {
    observe(operationType: string, seconds: number, errorCode?: string) {
      requests.inc({ operation_type: operationType });
      duration.observe({ operation_type: operationType }, seconds);
      if (errorCode !== undefined) errors.inc({ operation_type: operationType, code: errorCode });
    },
  };
}

/** A counter read from a running total someone else keeps (it is only read at scrape time). */
function countedBy(registry: Registry, name: string, help: string, read: () => number): void {
  let seen = 0;
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      const now = read();
      if (now > seen) this.inc(now - seen);
      seen = now;
    },
  });
}

function gaugedBy(registry: Registry, name: string, help: string, read: () => number): void {
  new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      this.set(read());
    },
  });
}

export interface SubscriptionStats {
  openWebSockets(): number;
  activeSubscriptions(): number;
  /** Payloads sent to subscribers. */
  deliveries(): number;
  /** Plan executions that turned live events into payloads (fewer than deliveries when shared). */
  resolutions(): number;
  slowConsumerCloses(): number;
}

/** The gateway's WebSocket and federated-subscription metrics, read from its own counters. */
export function subscriptionMetrics(registry: Registry, stats: SubscriptionStats): void {
  gaugedBy(registry, 'gateway_websockets_open', 'Open WebSocket connections', stats.openWebSockets);
  gaugedBy(
    registry,
    'gateway_subscriptions_active',
    'Subscriptions set up and listening',
    stats.activeSubscriptions,
  );
  countedBy(
    registry,
    'gateway_subscription_deliveries_total',
    'Subscription payloads sent',
    stats.deliveries,
  );
  countedBy(
    registry,
    'gateway_subscription_resolutions_total',
    'Live events resolved into payloads (one per selection when shared)',
    stats.resolutions,
  );
  countedBy(
    registry,
    'gateway_slow_consumer_closes_total',
    'Sockets closed because their subscriber could not keep up',
    stats.slowConsumerCloses,
  );
}

/** What presence's gRPC streams from the gateways carried, read from its own counters. */
export interface PresenceStreamStats {
  streamsOpen: number;
  batches: number;
  changes: Record<'OPENED' | 'ACTIVE' | 'CLOSED', number>;
}

export function presenceStreamMetrics(registry: Registry, stats: PresenceStreamStats): void {
  gaugedBy(
    registry,
    'presence_gateway_streams',
    'Gateway streams open to this process',
    () => stats.streamsOpen,
  );
  countedBy(
    registry,
    'presence_gateway_batches_total',
    'Batches received from gateways (lease renewals included)',
    () => stats.batches,
  );
  const seen = { OPENED: 0, ACTIVE: 0, CLOSED: 0 };
  new Counter({
    name: 'presence_connection_changes_total',
    help: 'Connection changes received from gateways, by kind',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      for (const kind of ['OPENED', 'ACTIVE', 'CLOSED'] as const) {
        const now = stats.changes[kind];
        if (now > seen[kind]) this.inc({ kind }, now - seen[kind]);
        seen[kind] = now;
      }
    },
  });
}

/** Job states reported for each queue. */
const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed'] as const;

/** Queue depth from BullMQ's `getJobCounts`, read at scrape time. */
export function queueMetrics(
  registry: Registry,
  queues: { name: string; getJobCounts(...states: string[]): Promise<Record<string, number>> }[],
): void {
  new Gauge({
    name: 'queue_jobs',
    help: 'Jobs in each BullMQ queue, by state',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      // Redis unreachable: report nothing rather than stale numbers, and let the scrape succeed.
      const counts = await Promise.all(
        queues.map((queue) => queue.getJobCounts(...QUEUE_STATES).catch(() => undefined)),
      );
      this.reset();
      queues.forEach((queue, i) => {
        for (const state of QUEUE_STATES) {
          const value = counts[i]?.[state];
          if (value !== undefined) this.set({ queue: queue.name, state }, value);
        }
      });
    },
  });
}
