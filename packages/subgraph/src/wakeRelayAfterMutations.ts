import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { wakeOutboxRelays } from '@switchboard/messaging';

/**
 * Once a mutation has answered, its transaction committed: this process's outbox relay looks for
 * the events it recorded at once, rather than at its next poll. (A NOTIFY from the database did
 * this before; Postgres serialises every notifying commit across the server, bench/README.md.)
 */
export function wakeRelayAfterMutations<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    requestDidStart: () =>
      Promise.resolve({
        willSendResponse: ({ operation }) => {
          if (operation?.operation === 'mutation') wakeOutboxRelays();
          return Promise.resolve();
        },
      }),
  };
}
