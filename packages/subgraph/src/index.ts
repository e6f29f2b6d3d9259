export * from './createSubgraphServer.ts';
export * from './mergeResolvers.ts';
export * from './serveSubgraph.ts';
export * from './liveMutations.ts';
export * from './pages.ts';
