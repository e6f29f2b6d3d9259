import { eventCatalogue, type EventType } from '@switchboard/core';
import { connectionAs } from '@switchboard/db';
import { projectionTables as callsTables } from '@switchboard/calls/events';
import { projectionTables as chatsTables } from '@switchboard/chats/events';
import { projectionTables as mediaTables } from '@switchboard/media/events';
import { consumers, replayOutbox, type ConsumerQueue, type RedisClient } from '@switchboard/messaging';
import { projectionTables as presenceTables } from '@switchboard/presence/events';
import { projectionTables as usersTables } from '@switchboard/users/events';
import pg from 'pg';

/** Which tables each projection consumer owns (rebuild resets only their ProjectionVersion). */
const projections: Partial<Record<ConsumerQueue, { schema: string; tables: readonly string[] }>> = {
  'chats-projections': chatsTables,
  'presence-projections': presenceTables,
  'media-projections': mediaTables,
  'users-projections': usersTables,
  'calls-projections': callsTables,
};

export const rebuildableProjections = Object.keys(projections) as ConsumerQueue[];

/**
 * Rebuilds a projection from what the producers' outboxes still hold: forgets which event it last
 * applied per key (its ProjectionVersion rows), then has each producer replay the events this
 * consumer reads. The running worker applies them like any other events (newest wins per key),
 * so once its queue is drained every key changed within the outbox retention is as the events
 * say. Rows are kept, not emptied: the events behind older state may have been pruned
 * (OUTBOX_RETENTION_HOURS), and emptying would lose what cannot be replayed (README, "Operations").
 * Each database is reached as its subgraph's role: the consumer's to reset its versions, each
 * producer's to read its outbox.
 */
export async function rebuildProjection(options: {
  /** The shared database: each subgraph's own (`databaseUrls`) if given, else this. */
  databaseUrl: string;
  databaseUrls?: Partial<Record<string, string>>;
  queue: ConsumerQueue;
  redis: RedisClient;
  prefix: string;
}): Promise<number> {
  const owned = projections[options.queue];
  if (!owned)
    throw new Error(
      `${options.queue} is not a projection (choose from ${rebuildableProjections.join(', ')})`,
    );
  const urlOf = (subgraph: string) => options.databaseUrls?.[subgraph] ?? options.databaseUrl;
  if (owned.tables.includes('ProjectionVersion')) {
    const client = new pg.Client(connectionAs(urlOf(owned.schema), owned.schema));
    await client.connect();
    try {
      await client.query(`TRUNCATE "${owned.schema}"."ProjectionVersion"`);
    } finally {
      await client.end();
    }
  }
  const producers = new Set(
    (consumers[options.queue] as readonly EventType[]).map((type) => eventCatalogue[type].producer),
  );
  let total = 0;
  for (const source of producers)
    total += await replayOutbox({ ...options, databaseUrl: urlOf(source), source });
  return total;
}
