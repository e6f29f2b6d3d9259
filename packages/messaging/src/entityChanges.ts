import type { EventHandler, ReceivedEvent } from './consumer.ts';
import { announceEntityChanged, createLivePublisher } from './live.ts';

/**
 * For the worker: a consumer that announces again, from an owner's durable domain events, the
 * entity changes the owner announced live after commit (a live event may be lost; the domain
 * event is not). `entityOf` names the entity an event changed, or null.
 */
export function openEntityChanges(
  redisUrl: string,
  entityOf: (event: ReceivedEvent) => { typename: string; id: string } | null,
): { handle: EventHandler; close(): Promise<void> } {
  const live = createLivePublisher(redisUrl);
  return {
    async handle(event) {
      const entity = entityOf(event);
      if (entity) await announceEntityChanged(live, entity.typename, entity.id);
    },
    close: () => live.close(),
  };
}
