import { Supergraph, operationFromDocument, type Schema } from '@apollo/federation-internals';
import { buildOperationContext } from '@apollo/gateway';
import { QueryPlanner, type FetchNode, type QueryPlan } from '@apollo/query-planner';
import {
  Kind,
  getOperationAST,
  print,
  visit,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type FieldNode,
} from 'graphql';

/**
 * A subscription, planned once per distinct document. @apollo/gateway plans subscriptions as
 * `SubscriptionNode { primary, rest }` but refuses to run them; we run `primary` (a fetch to the
 * owning subgraph, which answers it from the live event we hand it) followed by `rest` (the
 * entity fetches for other subgraphs' fields) with the gateway's own executeQueryPlan.
 */
type OperationContext = ReturnType<typeof buildOperationContext>;

export interface PlannedSubscription {
  /** `Sequence [primary, rest]`, runnable by executeQueryPlan. */
  queryPlan: QueryPlan;
  operationContext: OperationContext;
  /** The root subscription field, e.g. `messageAdded`, and the key it has in the response. */
  field: string;
  responseKey: string;
  /** The subgraph whose live events feed it. */
  owner: string;
  /**
   * Variables the payload's shape depends on. The root field's arguments only choose which events
   * a subscriber gets; two subscribers whose documents match and whose variables agree on these
   * receive identical payloads for an event, so the gateway resolves it once for both.
   */
  selectionVariables: string[];
  /** Normalised text of the document, part of the sharing key. */
  documentKey: string;
}

export interface SubscriptionPlanner {
  apiSchema: Schema;
  /** The client-facing schema, for validating documents. */
  schema: GraphQLSchema;
  supergraphSchema: GraphQLSchema;
  /** Subgraph name -> routing URL from the supergraph. */
  subgraphUrls: Map<string, string>;
  plan(document: DocumentNode, operationName?: string | null): PlannedSubscription;
}

export function createSubscriptionPlanner(supergraphSdl: string, cacheSize = 1000): SubscriptionPlanner {
  const supergraph = Supergraph.build(supergraphSdl);
  const apiSchema = supergraph.apiSchema();
  const schema = apiSchema.toGraphQLJSSchema();
  const supergraphSchema = supergraph.schema.toGraphQLJSSchema();
  const queryPlanner = new QueryPlanner(supergraph);
  const subgraphUrls = new Map([...supergraph.subgraphs()].map((subgraph) => [subgraph.name, subgraph.url]));
  const cache = new Map<string, PlannedSubscription>();

  return {
    apiSchema,
    schema,
    supergraphSchema,
    subgraphUrls,
    plan(document, operationName) {
      const documentKey = `${operationName ?? ''}\n${print(document)}`;
      const cached = cache.get(documentKey);
      if (cached) return cached;

      const operationDefinition = getOperationAST(document, operationName);
      if (!operationDefinition || operationDefinition.operation !== 'subscription')
        throw new Error('Not a subscription operation');
      const operationContext = buildOperationContext({
        schema,
        operationDocument: document,
        ...(operationName ? { operationName } : {}),
      });
      const operation = operationFromDocument(apiSchema, document, operationName ? { operationName } : {});
      const plan = queryPlanner.buildQueryPlan(operation);
      if (plan.node?.kind !== 'Subscription')
        throw new Error('The query planner did not plan a subscription');
      const { primary, rest } = plan.node;
      const root = rootField(operationDefinition);
      const planned: PlannedSubscription = {
        queryPlan: { kind: 'QueryPlan', node: rest ? { kind: 'Sequence', nodes: [primary, rest] } : primary },
        operationContext,
        field: root.name.value,
        responseKey: root.alias?.value ?? root.name.value,
        owner: (primary as FetchNode).serviceName,
        selectionVariables: variablesIn(
          root.selectionSet ?? { kind: Kind.SELECTION_SET, selections: [] },
          document,
        ),
        documentKey,
      };
      if (cache.size >= cacheSize) cache.delete(cache.keys().next().value!);
      cache.set(documentKey, planned);
      return planned;
    },
  };
}

/** Exactly one root field per subscription (graphql validation guarantees it). */
function rootField(operation: OperationDefinitionNode): FieldNode {
  const field = operation.selectionSet.selections.find((s): s is FieldNode => s.kind === Kind.FIELD);
  if (!field) throw new Error('A subscription needs a root field');
  return field;
}

/** Variables used inside a selection set, following fragment spreads. */
function variablesIn(selectionSet: FieldNode['selectionSet'] & object, document: DocumentNode): string[] {
  const fragments = new Map(
    document.definitions.flatMap((d) =>
      d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [],
    ),
  );
  const used = new Set<string>();
  const seen = new Set<string>();
  const walk = (node: Parameters<typeof visit>[0]) =>
    visit(node, {
      Variable(variable) {
        used.add(variable.name.value);
      },
      FragmentSpread(spread) {
        if (seen.has(spread.name.value)) return;
        seen.add(spread.name.value);
        const fragment = fragments.get(spread.name.value);
        if (fragment) walk(fragment.selectionSet);
      },
    });
  walk(selectionSet);
  return [...used].sort();
}
