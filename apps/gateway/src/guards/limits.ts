import { ErrorCode, appError } from '@switchboard/core';
import {
  Kind,
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLError,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

export interface OperationLimits {
  /** Deepest chain of nested fields; a root field is depth 1. */
  maxDepth: number;
  /** Aliased fields in the operation, fragments expanded. */
  maxAliases: number;
  /** Fields of the root selection, fragments expanded. */
  maxRootFields: number;
  /** Estimated cost (`measureOperation`). */
  maxCost: number;
  /** Items a list is assumed to hold when no `first`/`last` says otherwise. */
  defaultListSize: number;
  /** graphql-js parser token limit: beyond it, GRAPHQL_PARSE_FAILED. */
  maxTokens: number;
  /** HTTP request body limit in bytes: beyond it, 413. */
  maxBodyBytes: number;
}

export const DEFAULT_LIMITS: OperationLimits = {
  maxDepth: 12,
  maxAliases: 30,
  maxRootFields: 10,
  maxCost: 5000,
  defaultListSize: 20,
  maxTokens: 5000,
  maxBodyBytes: 256 * 1024,
};

export interface OperationMeasure {
  depth: number;
  aliases: number;
  rootFields: number;
  cost: number;
}

interface Totals {
  depth: number;
  aliases: number;
  /** Fields at this level (for the root: its root fields). */
  fields: number;
  cost: number;
}

const none: Totals = { depth: 0, aliases: 0, fields: 0, cost: 0 };

/**
 * Measures an operation that has passed validation. Cost follows the usual model (IBM's GraphQL
 * cost spec, Shopify's calculated cost): an object field costs 1 and scalars 0; a list multiplies
 * its items' cost by its `first`/`last` argument, by the `first`/`last` of the connection field it
 * sits in (`chats(first: 50) { edges }`), or else by `defaultListSize`. Fragments are measured once
 * per context and reused, so a fragment that spreads another many times costs its real (huge) size
 * without the walk itself blowing up. Introspection (`__schema`, `__type`) is not counted: it is
 * off outside development.
 */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | null | undefined,
  defaultListSize: number,
): OperationMeasure {
  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d]),
  );
  const defaults = new Map(
    (operation.variableDefinitions ?? []).map((d) => [
      d.variable.name.value,
      d.defaultValue?.kind === Kind.INT ? Number(d.defaultValue.value) : undefined,
    ]),
  );
  const measured = new Map<string, Totals>();

  /** `first`/`last` of a field, from a literal or a variable; the larger when both are given. */
  const pageSize = (field: FieldNode): number | undefined => {
    let size: number | undefined;
    for (const argument of field.arguments ?? []) {
      if (argument.name.value !== 'first' && argument.name.value !== 'last') continue;
      const { value } = argument;
      const given =
        value.kind === Kind.INT
          ? Number(value.value)
          : value.kind === Kind.VARIABLE
            ? (variables?.[value.name.value] ?? defaults.get(value.name.value))
            : undefined;
      if (typeof given === 'number' && Number.isFinite(given)) size = Math.max(size ?? 0, given, 0);
    }
    return size;
  };

  const walk = (
    selectionSet: SelectionSetNode,
    parentType: GraphQLCompositeType,
    /** `first`/`last` of the enclosing connection field: the size of the lists directly in it. */
    connectionSize: number | undefined,
  ): Totals => {
    const totals = { ...none };
    const add = (inner: Totals) => {
      totals.depth = Math.max(totals.depth, inner.depth);
      totals.aliases += inner.aliases;
      totals.fields += inner.fields;
      totals.cost += inner.cost;
    };
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        totals.fields += 1;
        if (name === '__schema' || name === '__type') continue;
        totals.depth = Math.max(totals.depth, 1);
        if (selection.alias) totals.aliases += 1;
        const definition = 'getFields' in parentType ? parentType.getFields()[name] : undefined;
        if (!definition) continue; // __typename
        const list = isListType(getNullableType(definition.type));
        const size = pageSize(selection);
        const items = list ? (size ?? connectionSize ?? defaultListSize) : 1;
        const type = getNamedType(definition.type);
        const inner =
          selection.selectionSet && isCompositeType(type)
            ? walk(selection.selectionSet, type, list ? undefined : size)
            : none;
        totals.depth = Math.max(totals.depth, 1 + inner.depth);
        totals.aliases += inner.aliases;
        totals.cost += items * ((isCompositeType(type) ? 1 : 0) + inner.cost);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition
          ? schema.getType(selection.typeCondition.name.value)
          : parentType;
        if (type && isCompositeType(type)) add(walk(selection.selectionSet, type, connectionSize));
      } else {
        const key = `${selection.name.value}\n${connectionSize ?? ''}`;
        let inner = measured.get(key);
        if (!inner) {
          measured.set(key, none); // validation rules out cycles; this only keeps a bad document finite
          const fragment = fragments.get(selection.name.value);
          const type = fragment && schema.getType(fragment.typeCondition.name.value);
          inner =
            fragment && type && isCompositeType(type)
              ? walk(fragment.selectionSet, type, connectionSize)
              : none;
          measured.set(key, inner);
        }
        add(inner);
      }
    }
    return totals;
  };

  const root = schema.getRootType(operation.operation);
  const totals = root ? walk(operation.selectionSet, root, undefined) : none;
  return { depth: totals.depth, aliases: totals.aliases, rootFields: totals.fields, cost: totals.cost };
}

/** The first limit the operation exceeds, as the QUERY_TOO_COMPLEX error a client gets. */
export function exceededLimit(measure: OperationMeasure, limits: OperationLimits): GraphQLError | undefined {
  const checks = [
    ['depth', measure.depth, limits.maxDepth, 'nests fields too deeply'],
    ['aliases', measure.aliases, limits.maxAliases, 'has too many aliases'],
    ['rootFields', measure.rootFields, limits.maxRootFields, 'has too many root fields'],
    ['cost', measure.cost, limits.maxCost, 'is too expensive'],
  ] as const;
  for (const [limit, actual, max, problem] of checks) {
    if (actual > max)
      return appError(
        ErrorCode.QUERY_TOO_COMPLEX,
        `The operation ${problem}: ${limit} ${actual}, at most ${max}`,
        {
          limit,
          actual,
          max,
        },
      );
  }
  return undefined;
}
