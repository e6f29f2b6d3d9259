import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/index.js';
import type { MediaContext } from './createServer.ts';

export const resolvers: GraphQLResolverMap<MediaContext> = {};
