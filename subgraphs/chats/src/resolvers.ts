import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import type { ChatsContext } from './createServer.ts';

export const resolvers: GraphQLResolverMap<ChatsContext> = {};
