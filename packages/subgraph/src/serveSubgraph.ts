import { databaseUrlOf } from '@switchboard/core';
import { createOutboxRelay, redisAddress, redisConnection } from '@switchboard/messaging';
import type { RunningServer } from './createSubgraphServer.ts';

export interface SubgraphProcessEnv {
  PORT: number;
  LISTEN_HOST: string;
  /** The shared database; the subgraph's own `DATABASE_URL_<SUBGRAPH>` wins when its env has one. */
  DATABASE_URL: string;
  REDIS_URL: string;
  REDIS_CLUSTER_NODES?: string | undefined;
  QUEUE_PREFIX: string;
  OUTBOX_RETENTION_HOURS: number;
}

/**
 * What a subgraph's `index.ts` does once its server is built: listen, relay its outbox to the
 * queues, and shut both down cleanly on SIGINT/SIGTERM.
 */
export async function serveSubgraph(
  schema: string,
  server: { listen(port: number, host?: string): Promise<RunningServer> },
  env: SubgraphProcessEnv,
): Promise<void> {
  const running = await server.listen(env.PORT, env.LISTEN_HOST);
  const redis = redisConnection(redisAddress(env));
  const relay = createOutboxRelay({
    databaseUrl: databaseUrlOf(schema, env),
    schema,
    redis,
    prefix: env.QUEUE_PREFIX,
    retentionHours: env.OUTBOX_RETENTION_HOURS,
  });
  await relay.start();
  console.log(`${schema} subgraph ready at ${running.url} (metrics at ${running.metricsUrl})`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void Promise.all([running.stop(), relay.stop()])
        .then(() => redis.quit())
        .finally(() => process.exit(0));
    });
  }
}
