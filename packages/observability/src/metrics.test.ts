import { describe, expect, it } from 'vitest';
import { createMetricsRegistry, queueMetrics, subscriptionMetrics } from './metrics.ts';

describe('metrics', () => {
  it('reports running totals as counters and current values as gauges, read at scrape time', async () => {
    const registry = createMetricsRegistry({ service: 'gateway', processMetrics: false });
    const stats = { sockets: 2, deliveries: 5 };
    subscriptionMetrics(registry, {
      openWebSockets: () => stats.sockets,
      activeSubscriptions: () => 1,
      deliveries: () => stats.deliveries,
      resolutions: () => 1,
      slowConsumerCloses: () => 0,
    });
    expect(await registry.metrics()).toContain('gateway_subscription_deliveries_total{service="gateway"} 5');
    stats.sockets = 0;
    stats.deliveries = 12;
    const text = await registry.metrics();
    expect(text).toContain('# TYPE gateway_subscription_deliveries_total counter');
    expect(text).toContain('gateway_subscription_deliveries_total{service="gateway"} 12');
    expect(text).toContain('gateway_websockets_open{service="gateway"} 0');
  });

  it('reports queue depth per state, and leaves out a queue it cannot read rather than failing the scrape', async () => {
    const registry = createMetricsRegistry({ processMetrics: false });
    queueMetrics(registry, [
      { name: 'ok', getJobCounts: async () => ({ waiting: 3, active: 1, delayed: 0, failed: 2 }) },
      { name: 'down', getJobCounts: () => Promise.reject(new Error('Redis is down')) },
    ]);
    const text = await registry.metrics();
    expect(text).toContain('queue_jobs{queue="ok",state="waiting"} 3');
    expect(text).toContain('queue_jobs{queue="ok",state="failed"} 2');
    expect(text).not.toContain('queue="down"');
  });
});
