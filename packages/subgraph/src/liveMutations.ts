import type { GraphQLResolveInfo } from 'graphql';

/** The part of a subgraph's context a mutation's live events wait in (messaging's LiveQueue). */
interface WithLiveQueue {
  live: { flush(): Promise<void>; discard(): void };
}

type MutationResolver<TContext> = (
  source: unknown,
  args: never,
  context: TContext,
  info: GraphQLResolveInfo,
) => unknown;

/**
 * Wraps every resolver of a subgraph's Mutation map: `before` runs first (its checks may refuse),
 * the live events the mutation queued are published only once it succeeded and dropped when it
 * failed, and `after` runs however it ended.
 */
export function withLiveMutations<TContext extends WithLiveQueue, TMutations extends object | undefined>(
  mutations: TMutations,
  hooks: { before?(context: TContext): void; after?(context: TContext): void } = {},
): TMutations {
  return Object.fromEntries(
    Object.entries(mutations ?? {}).map(([name, resolve]) => [
      name,
      async (...[source, args, context, info]: Parameters<MutationResolver<TContext>>) => {
        hooks.before?.(context);
        try {
          const result = await (resolve as MutationResolver<TContext>)(source, args, context, info);
          await context.live.flush();
          return result;
        } finally {
          context.live.discard();
          hooks.after?.(context);
        }
      },
    ]),
  ) as TMutations;
}
