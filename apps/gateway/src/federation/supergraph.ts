import { Supergraph, type Schema } from '@apollo/federation-internals';
import { QueryPlanner } from '@apollo/query-planner';
import type { GraphQLSchema } from 'graphql';
import { readLiveSchema, type LiveSchema } from '../live/liveSchema.ts';

/**
 * The composed supergraph, parsed and planned over once per process: client operations over HTTP,
 * subscriptions and the gateway's own internal operations all share this one query planner.
 */
export interface LoadedSupergraph {
  sdl: string;
  supergraph: Supergraph;
  /** The client-facing schema, in federation's model: client operations are planned against it. */
  apiSchema: Schema;
  /** The client-facing schema for graphql-js: validation, Apollo Server, graphql-ws. */
  schema: GraphQLSchema;
  /** Every type and field, @inaccessible ones included: internal operations are planned against it. */
  internalSchema: Schema;
  /** The supergraph as graphql-js, for executeQueryPlan. */
  supergraphSchema: GraphQLSchema;
  planner: QueryPlanner;
  /** Subgraph name -> routing URL from the supergraph. */
  subgraphUrls: Map<string, string>;
  /** What the subgraphs declared with the live directives (live fields, @viewer, @cached). */
  live: LiveSchema;
}

export function loadSupergraph(sdl: string): LoadedSupergraph {
  const supergraph = Supergraph.build(sdl);
  const apiSchema = supergraph.apiSchema();
  return {
    sdl,
    supergraph,
    apiSchema,
    schema: apiSchema.toGraphQLJSSchema(),
    internalSchema: supergraph.schema,
    supergraphSchema: supergraph.schema.toGraphQLJSSchema(),
    planner: new QueryPlanner(supergraph),
    subgraphUrls: new Map([...supergraph.subgraphs()].map((subgraph) => [subgraph.name, subgraph.url])),
    live: readLiveSchema(supergraph.schema),
  };
}
