import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import type { PresenceContext } from './createServer.ts';

export const resolvers: GraphQLResolverMap<PresenceContext> = {};
