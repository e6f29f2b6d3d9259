import type { GraphQLFieldResolver } from 'graphql';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import { chatResolvers } from './chats.ts';
import type { ChatsContext } from './createServer.ts';
import { historyResolvers } from './history.ts';
import { membershipResolvers } from './membership.ts';
import { messageResolvers } from './messages.ts';
import { reactionResolvers } from './reactions.ts';
import { receiptResolvers } from './receipts.ts';
import { DateTime } from './scalars.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each resolver types its own parent
type FieldResolver = GraphQLFieldResolver<any, ChatsContext>;
/** What each concern's file exports: type name -> field name -> resolver. */
export type ResolverModule = Record<string, Record<string, FieldResolver>>;

/**
 * A mutation's result is read right after its write: nothing the request loaded before (its own
 * access check included) may answer for it.
 */
function withFreshLoaders(resolve: FieldResolver): FieldResolver {
  return async (source, args, ctx, info) => {
    ctx.loaders.clear();
    try {
      return await resolve(source, args, ctx, info);
    } finally {
      ctx.loaders.clear();
    }
  };
}

function merge(modules: ResolverModule[]): ResolverModule {
  const merged: ResolverModule = {};
  for (const module of modules)
    for (const [type, fields] of Object.entries(module)) merged[type] = { ...merged[type], ...fields };
  merged['Mutation'] = Object.fromEntries(
    Object.entries(merged['Mutation'] ?? {}).map(([name, resolve]) => [name, withFreshLoaders(resolve)]),
  );
  return merged;
}

export const resolvers: GraphQLResolverMap<ChatsContext> = {
  DateTime,
  ...merge([
    chatResolvers,
    membershipResolvers,
    messageResolvers,
    historyResolvers,
    reactionResolvers,
    receiptResolvers,
  ]),
};
