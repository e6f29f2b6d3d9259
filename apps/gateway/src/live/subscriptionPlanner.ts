import type { FetchNode } from '@apollo/query-planner';
import {
  Kind,
  getNamedType,
  isCompositeType,
  parse,
  print,
  visit,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type VariableDefinitionNode,
} from 'graphql';
import { LRUCache } from 'lru-cache';
import type { Federation, OperationPlan } from '../federation/federation.ts';
import type { LiveField, LiveSchema } from './liveSchema.ts';
import { compilePrimaryProjection, type PrimaryProjection } from './primaryProjection.ts';

/** The alias under which a replay page carries each payload's order (stripped before delivery). */
export const ORDER_ALIAS = '_liveOrder';
export const REPLAY_ALIAS = '_liveReplay';
export const INITIAL_ALIAS = '_liveInitial';
export const CAUGHT_UP_ALIAS = '_liveCaughtUp';
export const INITIAL_ARGUMENT = '_liveArg_';

/**
 * One subscription document, planned once for every subscriber who sends it. @apollo/gateway plans
 * a subscription as `Subscription { primary, rest }` but does not run it; the gateway runs
 * `Sequence [primary, rest]` per event, answering `primary` from the event where it can.
 */
export interface SubscriptionPlan {
  live: LiveField;
  /** The root field's response key (its alias, if any). */
  responseKey: string;
  /** The subgraph that owns the field and publishes its events. */
  owner: string;
  payload: OperationPlan;
  /** The primary fetch's text, and how to answer it from an event's data. */
  primary: { operation: string; project: PrimaryProjection };
  /**
   * Variables the payload's shape depends on: subscribers whose documents match and whose
   * variables agree on these receive the same payload for an event (sharing key).
   */
  selectionVariables: string[];
  /** Normalised text of the document, part of the sharing key. */
  documentKey: string;
  /** Response paths (under the root field) of fields whose value depends on the viewer. */
  viewerPaths: string[][];
  /**
   * The response keys (aliases) under which the selection holds each field of the root field's
   * value, by field name: where an event's `own` values go in a shared payload.
   */
  rootKeys: Map<string, string[]>;
  /** The subscriber's selection over the replay query: a page of payloads in one execution. */
  replay?: OperationPlan;
  /** The subscriber's selection over the field's `initial` query: what is owed at subscribe. */
  initial?: OperationPlan;
  /** The subscriber's selection over the field's `caughtUp` query: once a catch-up is drained. */
  caughtUp?: OperationPlan;
}

export function createSubscriptionPlanner(options: {
  federation: Federation;
  schema: GraphQLSchema;
  liveSchema: LiveSchema;
  cacheSize?: number;
}) {
  const { federation, liveSchema } = options;
  const cache = new LRUCache<string, SubscriptionPlan>({ max: options.cacheSize ?? 1000 });
  /** Plans by document object too: the socket server shares one parsed document per text. */
  const byDocument = new WeakMap<DocumentNode, Map<string, SubscriptionPlan | null>>();

  return {
    /** Plans a validated subscription document; throws when its field is not served live. */
    plan(document: DocumentNode, operationName?: string | null): SubscriptionPlan | null {
      let plans = byDocument.get(document);
      if (!plans) byDocument.set(document, (plans = new Map()));
      const known = plans.get(operationName ?? '');
      if (known !== undefined) return known;
      const plan = planDocument(document, operationName);
      plans.set(operationName ?? '', plan);
      return plan;
    },
  };

  function planDocument(document: DocumentNode, operationName?: string | null): SubscriptionPlan | null {
    const documentKey = `${operationName ?? ''}\n${print(document)}`;
    const cached = cache.get(documentKey);
    if (cached) return cached;
    const operation = operationOf(document, operationName);
    const root = rootField(operation);
    const live = liveSchema.fields.get(root.name.value);
    if (!live) return null;
    const planned = federation.plan(documentKey, document, operationName);
    const node = planned.queryPlan.node;
    if (node?.kind !== 'Subscription') throw new Error('The query planner did not plan a subscription');
    const primary = node.primary as FetchNode;
    const fragments = fragmentsOf(document);
    const selectionSet = root.selectionSet ?? { kind: Kind.SELECTION_SET, selections: [] };
    const selectionVariables = variablesIn(selectionSet, fragments);
    const plan: SubscriptionPlan = {
      live,
      responseKey: root.alias?.value ?? root.name.value,
      owner: primary.serviceName,
      payload: {
        ...planned,
        queryPlan: {
          kind: 'QueryPlan',
          node: node.rest ? { kind: 'Sequence', nodes: [primary, node.rest] } : primary,
        },
      },
      primary: { operation: primary.operation, project: compilePrimaryProjection(primary.operation) },
      selectionVariables,
      documentKey,
      viewerPaths: viewerPaths(options.schema, root, fragments, liveSchema.viewerFields),
      rootKeys: rootKeys(selectionSet, fragments),
    };
    if (live.replay || live.initial) {
      const selection = subscriberSelection(operation, selectionSet, fragments, selectionVariables);
      if (live.replay) plan.replay = planReplay(federation, live, documentKey, selection);
      if (live.replay?.caughtUp) plan.caughtUp = planCaughtUp(federation, live, documentKey, selection);
      if (live.initial) plan.initial = planInitial(federation, live, documentKey, selection);
    }
    cache.set(documentKey, plan);
    return plan;
  }
}

export type SubscriptionPlanner = ReturnType<typeof createSubscriptionPlanner>;

function operationOf(document: DocumentNode, operationName?: string | null): OperationDefinitionNode {
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  const operation = operationName
    ? operations.find((candidate) => candidate.name?.value === operationName)
    : operations.length === 1
      ? operations[0]
      : undefined;
  if (!operation || operation.operation !== 'subscription') throw new Error('Not a subscription operation');
  return operation;
}

/** Exactly one root field per subscription (graphql validation guarantees it). */
function rootField(operation: OperationDefinitionNode): FieldNode {
  const field = operation.selectionSet.selections.find((s): s is FieldNode => s.kind === Kind.FIELD);
  if (!field) throw new Error('A subscription needs a root field');
  return field;
}

function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  return new Map(
    document.definitions.flatMap((definition) =>
      definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition] as const] : [],
    ),
  );
}

/** Fragments a selection set uses, following spreads. */
function fragmentsUsed(
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
): FragmentDefinitionNode[] {
  const used = new Map<string, FragmentDefinitionNode>();
  const walk = (node: SelectionSetNode) =>
    visit(node, {
      FragmentSpread(spread) {
        const fragment = fragments.get(spread.name.value);
        if (!fragment || used.has(spread.name.value)) return;
        used.set(spread.name.value, fragment);
        walk(fragment.selectionSet);
      },
    });
  walk(selectionSet);
  return [...used.values()];
}

/** Variables used inside a selection set, following fragment spreads. */
function variablesIn(
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
): string[] {
  const used = new Set<string>();
  for (const node of [selectionSet, ...fragmentsUsed(selectionSet, fragments).map((f) => f.selectionSet)])
    visit(node, {
      Variable(variable) {
        used.add(variable.name.value);
      },
    });
  return [...used].sort();
}

/** The fields of a selection set, through its fragments, by name: their response keys. */
function rootKeys(
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  const walk = (node: SelectionSetNode, seen: Set<string>) => {
    for (const selection of node.selections) {
      if (selection.kind === Kind.FIELD) {
        const list = keys.get(selection.name.value) ?? [];
        const key = selection.alias?.value ?? selection.name.value;
        if (!list.includes(key)) list.push(key);
        keys.set(selection.name.value, list);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet, seen);
      else if (!seen.has(selection.name.value)) {
        const fragment = fragments.get(selection.name.value);
        if (fragment) walk(fragment.selectionSet, new Set([...seen, selection.name.value]));
      }
    }
  };
  walk(selectionSet, new Set());
  return keys;
}

/** Response paths of `@viewer` fields in the selection, relative to the root field's value. */
function viewerPaths(
  schema: GraphQLSchema,
  root: FieldNode,
  fragments: Map<string, FragmentDefinitionNode>,
  viewerFields: ReadonlySet<string>,
): string[][] {
  const paths: string[][] = [];
  const rootType = schema.getSubscriptionType()?.getFields()[root.name.value]?.type;
  const walk = (type: GraphQLCompositeType, selectionSet: SelectionSetNode, path: string[]) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name === '__typename') continue;
        const key = [...path, selection.alias?.value ?? name];
        if (viewerFields.has(`${type.name}.${name}`)) paths.push(key);
        const fieldType = 'getFields' in type ? type.getFields()[name]?.type : undefined;
        const named = fieldType && getNamedType(fieldType);
        if (selection.selectionSet && named && isCompositeType(named))
          walk(named, selection.selectionSet, key);
        continue;
      }
      const fragment =
        selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
      if (!fragment) continue;
      const condition = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : type;
      walk(condition && isCompositeType(condition) ? condition : type, fragment.selectionSet, path);
    }
  };
  const named = rootType && getNamedType(rootType);
  if (named && isCompositeType(named)) {
    if (viewerFields.has(`${schema.getSubscriptionType()!.name}.${root.name.value}`)) paths.push([]);
    if (root.selectionSet) walk(named, root.selectionSet, []);
  }
  return paths;
}

/**
 * The text of one of the gateway's own queries: `query <name>(<variables>) { <root> { <body> } }`
 * (no braces when there is no body), followed by the fragments the body uses.
 */
export function gatewayQuery(
  name: string,
  variables: string[],
  root: string,
  body: string[] = [],
  fragments: FragmentDefinitionNode[] = [],
): string {
  return `query ${name}${argumentList(variables)} {
  ${root}${body.length ? ` {\n    ${body.join('\n    ')}\n  }` : ''}
}
${fragments.map((fragment) => print(fragment)).join('\n')}`;
}

/** `(a, b)`, or nothing for no items. */
export const argumentList = (items: string[]) => (items.length ? `(${items.join(', ')})` : '');

/** A subscriber's root selection as the body of a gateway query: its fields, the fragments and
 * the variable definitions they use. */
interface SubscriberSelection {
  body: string[];
  fragments: FragmentDefinitionNode[];
  variables: string[];
}

function subscriberSelection(
  operation: OperationDefinitionNode,
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  selectionVariables: string[],
): SubscriberSelection {
  return {
    body: selectionSet.selections.map((selection) => print(selection)),
    fragments: fragmentsUsed(selectionSet, fragments),
    variables: selectionDefinitions(operation, selectionVariables),
  };
}

/**
 * The replay of a subscription document: its root selection over the field's replay query, e.g.
 * `query { _liveReplay: _notesAfter(boardId: $_liveKey, afterSeq: $_liveCursor, first: $_liveFirst)
 * { _liveOrder: seq ...the subscriber's selection } }`, planned once (internal: the replay query is
 * usually @inaccessible) and run once per page.
 */
function planReplay(
  federation: Federation,
  live: LiveField,
  documentKey: string,
  selection: SubscriberSelection,
): OperationPlan {
  const replay = live.replay!;
  const text = gatewayQuery(
    'LiveReplay',
    [
      `$_liveKey: ${replay.keyType}`,
      `$_liveCursor: ${replay.cursorType}`,
      '$_liveFirst: Int!',
      ...selection.variables,
    ],
    `${REPLAY_ALIAS}: ${replay.field}(${replay.key}: $_liveKey, ${replay.cursor}: $_liveCursor, first: $_liveFirst)`,
    [`${ORDER_ALIAS}: ${replay.orderBy}`, ...selection.body],
    selection.fragments,
  );
  return federation.plan(`replay\n${documentKey}`, () => parse(text), 'LiveReplay', true);
}

/**
 * The payload that closes a catch-up: the subscriber's selection over the field's `caughtUp` query,
 * e.g. `query LiveCaughtUp { _liveCaughtUp: _feedCaughtUp(device: $_liveKey, after: $_liveCursor,
 * backlog: $_liveBacklog) { ...the subscriber's selection } }`.
 */
function planCaughtUp(
  federation: Federation,
  live: LiveField,
  documentKey: string,
  selection: SubscriberSelection,
): OperationPlan {
  const replay = live.replay!;
  const caughtUp = replay.caughtUp!;
  const text = gatewayQuery(
    'LiveCaughtUp',
    [
      `$_liveKey: ${caughtUp.keyType}`,
      `$_liveCursor: ${caughtUp.cursorType}`,
      '$_liveBacklog: Int!',
      ...selection.variables,
    ],
    `${CAUGHT_UP_ALIAS}: ${caughtUp.field}(${replay.key}: $_liveKey, ${replay.cursor}: $_liveCursor, backlog: $_liveBacklog)`,
    selection.body,
    selection.fragments,
  );
  return federation.plan(`caughtUp\n${documentKey}`, () => parse(text), 'LiveCaughtUp', true);
}

/**
 * What a subscriber is owed at subscribe: its root selection over the field's `initial` query,
 * e.g. `query LiveInitial { _liveInitial: _ringingCalls { ...the subscriber's selection } }`.
 */
function planInitial(
  federation: Federation,
  live: LiveField,
  documentKey: string,
  selection: SubscriberSelection,
): OperationPlan {
  const initial = live.initial!;
  // The field's arguments travel as $_liveArg_<name>, apart from the subscriber's own variables.
  const text = gatewayQuery(
    'LiveInitial',
    [
      ...initial.arguments.map((argument) => `$${INITIAL_ARGUMENT}${argument.name}: ${argument.type}`),
      ...selection.variables,
    ],
    `${INITIAL_ALIAS}: ${initial.field}${argumentList(
      initial.arguments.map((argument) => `${argument.name}: $${INITIAL_ARGUMENT}${argument.name}`),
    )}`,
    selection.body,
    selection.fragments,
  );
  return federation.plan(`initial\n${documentKey}`, () => parse(text), 'LiveInitial', true);
}

/** The operation's definitions of the variables its selection uses, as text. */
function selectionDefinitions(operation: OperationDefinitionNode, selectionVariables: string[]): string[] {
  return (operation.variableDefinitions ?? [])
    .filter((definition) => selectionVariables.includes(definition.variable.name.value))
    .map((definition) => print(definition as VariableDefinitionNode));
}
