import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import { authResolvers } from './auth.ts';
import { blockResolvers } from './blocks.ts';
import type { UsersContext } from './createServer.ts';
import { keyResolvers } from './keys.ts';
import { profileResolvers } from './profile.ts';
import { pushResolvers } from './push.ts';

const parts = [authResolvers, profileResolvers, blockResolvers, keyResolvers, pushResolvers];

/** Merges the per-concern resolver maps type by type (a field defined twice is a bug). */
function merge(maps: GraphQLResolverMap<UsersContext>[]): GraphQLResolverMap<UsersContext> {
  const merged: Record<string, Record<string, unknown>> = {};
  for (const map of maps) {
    for (const [typeName, fields] of Object.entries(map)) {
      const target = (merged[typeName] ??= {});
      for (const [field, resolver] of Object.entries(fields)) {
        if (field in target) throw new Error(`Resolver ${typeName}.${field} is defined twice`);
        target[field] = resolver;
      }
    }
  }
  return merged as GraphQLResolverMap<UsersContext>;
}

export const resolvers = merge(parts);
