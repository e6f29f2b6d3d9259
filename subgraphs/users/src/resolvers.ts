import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import type { UsersContext } from './createServer.ts';

export const resolvers: GraphQLResolverMap<UsersContext> = {};
