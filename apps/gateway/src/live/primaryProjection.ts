import {
  Kind,
  parse,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/**
 * Answers a subscription's primary fetch from the data its live event carries (architecture.md,
 * principle 8: events carry what their owner committed), so a delivery need not ask the owner
 * again. It reads only plain fields: when the selection needs anything the event does not hold
 * (a field it left out, a field with arguments, a conditional directive), it answers undefined and
 * the fetch goes to the owner as before.
 */
export type PrimaryProjection = (data: unknown) => Record<string, unknown> | undefined;

const NOT_COVERED = Symbol('not covered');

export function compilePrimaryProjection(operationText: string): PrimaryProjection {
  const document = parse(operationText);
  const operation = document.definitions.find(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  const fragments = new Map(
    document.definitions.flatMap((definition) =>
      definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition] as const] : [],
    ),
  );
  const root = operation?.selectionSet.selections[0];
  if (!operation || root?.kind !== Kind.FIELD || operation.selectionSet.selections.length !== 1)
    return () => undefined;
  const responseKey = root.alias?.value ?? root.name.value;
  const selectionSet = root.selectionSet;

  return (data) => {
    if (data === undefined) return undefined;
    const value = selectionSet ? project(data, selectionSet, fragments) : data;
    return value === NOT_COVERED ? undefined : { [responseKey]: value };
  };
}

function project(
  value: unknown,
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
): unknown {
  if (value === null) return null;
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const item of value) {
      const projected = project(item, selectionSet, fragments);
      if (projected === NOT_COVERED) return NOT_COVERED;
      items.push(projected);
    }
    return items;
  }
  if (typeof value !== 'object') return NOT_COVERED;
  const source = value as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  return collect(source, selectionSet, fragments, result) ? result : NOT_COVERED;
}

/** Copies the selection's fields from `source` into `result`; false when one is missing. */
function collect(
  source: Record<string, unknown>,
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  result: Record<string, unknown>,
): boolean {
  for (const selection of selectionSet.selections) {
    if (selection.directives?.length) return false;
    if (selection.kind === Kind.FIELD) {
      const name = selection.name.value;
      if (selection.arguments?.length) return false;
      const fieldValue = source[name];
      if (fieldValue === undefined) return false;
      const projected = selection.selectionSet
        ? project(fieldValue, selection.selectionSet, fragments)
        : fieldValue;
      if (projected === NOT_COVERED) return false;
      result[selection.alias?.value ?? name] = projected;
      continue;
    }
    const fragment =
      selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
    if (!fragment) return false;
    const condition = fragment.typeCondition?.name.value;
    // A type condition is only decided by the typename the data states.
    if (condition !== undefined && condition !== source['__typename']) {
      if (typeof source['__typename'] !== 'string') return false;
      continue;
    }
    if (!collect(source, fragment.selectionSet, fragments, result)) return false;
  }
  return true;
}
