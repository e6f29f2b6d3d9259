import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { badInput } from '@switchboard/core';
import {
  Kind,
  valueFromASTUntyped,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

const NUL = '\u0000';

/** Where a string with a NUL lies in a value, as `field` names it: `about`, `userIds[1]`, `keys[0].publicKey`. */
function nulIn(value: unknown, path: string, isArgument: boolean): string | null {
  if (typeof value === 'string') return value.includes(NUL) ? path : null;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = nulIn(item, `${path}[${index}]`, false);
      if (found !== null) return found;
    }
  } else if (value !== null && typeof value === 'object') {
    // An argument's input object is not named: its fields are (`displayName`, not `input.displayName`).
    for (const [key, item] of Object.entries(value)) {
      const found = nulIn(item, isArgument ? key : `${path}.${key}`, false);
      if (found !== null) return found;
    }
  }
  return null;
}

/**
 * The first string input of an operation that holds a NUL character (U+0000), by the path of its
 * field; null if none does. Reads every field argument of the operation and of the fragments it
 * spreads, inline literals and variables alike (a variable absent takes its default).
 */
export function nulCharacterField(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>> = {},
): string | null {
  const values: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? [])
    if (definition.defaultValue)
      values[definition.variable.name.value] = valueFromASTUntyped(definition.defaultValue);
  Object.assign(values, variables);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const spread = new Set<string>();

  function inSelections(selectionSet: SelectionSetNode): string | null {
    for (const selection of selectionSet.selections) {
      let found: string | null = null;
      if (selection.kind === Kind.FIELD) {
        for (const argument of selection.arguments ?? []) {
          found = nulIn(valueFromASTUntyped(argument.value, values), argument.name.value, true);
          if (found !== null) return found;
        }
        if (selection.selectionSet) found = inSelections(selection.selectionSet);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        found = inSelections(selection.selectionSet);
      } else if (!spread.has(selection.name.value)) {
        spread.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) found = inSelections(fragment.selectionSet);
      }
      if (found !== null) return found;
    }
    return null;
  }
  return inSelections(operation.selectionSet);
}

/**
 * Refuses an operation with a NUL character in any string input, with BAD_USER_INPUT naming the
 * field, before any resolver runs: Postgres cannot store one in text (error 22021), and a client
 * would otherwise get an internal error for its own input.
 */
export function refuseNulCharacters<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request }) {
          const field = operation ? nulCharacterField(document, operation, request.variables) : null;
          if (field === null) return;
          // 200: the gateway passes a subgraph's GraphQL errors on with their code, not a 4xx's.
          throw badInput(`${field} must not contain a NUL character (U+0000)`, field, {
            http: { status: 200 },
          });
        },
      };
    },
  };
}
