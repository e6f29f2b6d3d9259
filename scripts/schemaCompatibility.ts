// Whether the schemas clients and services rely on can change as they did since the last release
// (`npm run check:schema`): every subgraph's SDL and the supergraph's API schema against the
// baseline in schema/released, with GraphQL Inspector's diff.
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { CriticalityLevel, diff } from '@graphql-inspector/core';
import {
  buildASTSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  parse,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { parse as parseYaml } from 'yaml';
import { apiSchemaOf } from '../apps/gateway/src/apiSchema.ts';
import { composeSupergraph } from '../apps/gateway/src/composeSupergraph.ts';

/** Where the released schemas are kept, relative to the repository (`npm run schema:release`). */
export const RELEASED_DIR = 'schema/released';
export const MANIFEST = 'contract/persisted-query-manifest.json';

export type BreakingChange = {
  /** A subgraph's name, or "supergraph" for the API schema clients see. */
  schema: string;
  /** The changed element's schema coordinate: `Type`, `Type.field`, `Type.field.arg`, `Enum.VALUE`. */
  path: string;
  message: string;
  /** Allowed only when the element was @deprecated in the baseline and no manifest document uses it. */
  allowed: boolean;
  reason: string;
};

/** A subgraph's SDL as a schema: federation's directives are imported by @link, not defined. */
export const subgraphSchema = (sdl: string): GraphQLSchema =>
  buildASTSchema(parse(sdl), { assumeValidSDL: true });

/** Every input field and enum value a variable of this type may carry, at any depth. */
function addInputCoordinates(type: GraphQLNamedType, used: Set<string>) {
  if (used.has(type.name)) return;
  used.add(type.name);
  if (isEnumType(type)) for (const value of type.getValues()) used.add(`${type.name}.${value.name}`);
  if (isInputObjectType(type))
    for (const field of Object.values(type.getFields())) {
      used.add(`${type.name}.${field.name}`);
      addInputCoordinates(getNamedType(field.type), used);
    }
}

/**
 * The schema coordinates the documents use: the types they name, the fields they select, the
 * arguments and input fields they pass, the enum values they write. A variable's type counts with
 * everything it may carry, since its value is not in the document. An enum value a document only
 * reads is not a use: a value removed from an output is never received.
 */
export function usedCoordinates(schema: GraphQLSchema, documents: readonly DocumentNode[]): Set<string> {
  const used = new Set<string>();
  const typeInfo = new TypeInfo(schema);
  for (const document of documents)
    visit(
      document,
      visitWithTypeInfo(typeInfo, {
        Field(node) {
          const parent = typeInfo.getParentType();
          if (!parent) return;
          used.add(parent.name);
          used.add(`${parent.name}.${node.name.value}`);
          const type = typeInfo.getType();
          if (type) used.add(getNamedType(type).name);
        },
        Argument(node) {
          const parent = typeInfo.getParentType();
          const field = typeInfo.getFieldDef();
          if (parent && field && !typeInfo.getDirective())
            used.add(`${parent.name}.${field.name}.${node.name.value}`);
        },
        ObjectField(node) {
          const parent = typeInfo.getParentInputType();
          const named = parent && getNamedType(parent);
          if (named) used.add(`${named.name}.${node.name.value}`);
        },
        EnumValue(node) {
          const type = typeInfo.getInputType();
          if (type) used.add(`${getNamedType(type).name}.${node.value}`);
        },
        VariableDefinition() {
          const type = typeInfo.getInputType();
          if (type) addInputCoordinates(getNamedType(type), used);
        },
        NamedType(node) {
          used.add(node.name.value);
        },
      }),
    );
  return used;
}

/** Whether the element at `path` carried @deprecated in `schema`. Types cannot be deprecated. */
export function deprecatedIn(schema: GraphQLSchema, path: string): boolean {
  const [typeName, member, argument] = path.split('.');
  const type = typeName ? schema.getType(typeName) : undefined;
  if (!type || !member) return false;
  if (isEnumType(type)) return argument === undefined && type.getValue(member)?.deprecationReason != null;
  if (!isObjectType(type) && !isInterfaceType(type) && !isInputObjectType(type)) return false;
  const field = type.getFields()[member];
  if (!field) return false;
  if (argument === undefined) return field.deprecationReason != null;
  if (!('args' in field)) return false;
  return field.args.find((arg) => arg.name === argument)?.deprecationReason != null;
}

const usesPath = (used: ReadonlySet<string>, path: string) =>
  used.has(path) ||
  (!path.includes('.') && [...used].some((coordinate) => coordinate.startsWith(`${path}.`)));

/** The breaking changes from `baseline` to `current`, each allowed or not (see BreakingChange). */
export async function breakingChanges(
  name: string,
  baseline: GraphQLSchema,
  current: GraphQLSchema,
  used: ReadonlySet<string>,
): Promise<BreakingChange[]> {
  const changes = await diff(baseline, current);
  return changes
    .filter((change) => change.criticality.level === CriticalityLevel.Breaking)
    .map((change) => {
      const path = change.path ?? '';
      const deprecated = deprecatedIn(baseline, path);
      const inUse = usesPath(used, path);
      const allowed = deprecated && !inUse;
      const reason = allowed
        ? 'deprecated in the release, used by no document of the persisted manifest'
        : !deprecated
          ? `not @deprecated in ${RELEASED_DIR} (deprecate it in a release first)`
          : 'still used by a document of the persisted manifest';
      return { schema: name, path, message: change.message, allowed, reason };
    });
}

/** The documents of the persisted query manifest at `root`. */
export async function manifestDocuments(root: string): Promise<DocumentNode[]> {
  const manifest = JSON.parse(await readFile(join(root, MANIFEST), 'utf8')) as {
    operations: { body: string }[];
  };
  return manifest.operations.map((operation) => parse(operation.body));
}

/** The subgraphs of `supergraph.yaml` at `root`, each with the path of its SDL. */
export async function subgraphFiles(root: string): Promise<Map<string, string>> {
  const config = parseYaml(await readFile(join(root, 'supergraph.yaml'), 'utf8')) as {
    subgraphs: Record<string, { schema: { file: string } }>;
  };
  return new Map(
    Object.entries(config.subgraphs).map(([name, subgraph]) => [name, join(root, subgraph.schema.file)]),
  );
}

/**
 * Every breaking change of the repository at `root` since its released schemas: each subgraph's
 * SDL, and the API schema of a fresh composition of supergraph.yaml (which also refuses a
 * composition version other than the one it pins).
 */
export async function checkGraphQLSchemas(root: string): Promise<BreakingChange[]> {
  const released = join(root, RELEASED_DIR);
  const baselineApi = apiSchemaOf(await readFile(join(released, 'supergraph.graphql'), 'utf8'));
  const used = usedCoordinates(baselineApi, await manifestDocuments(root));
  const results: BreakingChange[] = [];
  const subgraphs = await subgraphFiles(root);
  for (const file of await readdir(released))
    if (
      file.endsWith('.graphql') &&
      file !== 'supergraph.graphql' &&
      !subgraphs.has(basename(file, '.graphql'))
    )
      results.push({
        schema: basename(file, '.graphql'),
        path: '',
        message: 'The subgraph was removed from supergraph.yaml',
        allowed: false,
        reason: 'a released subgraph cannot be removed in one step',
      });
  for (const [name, file] of subgraphs) {
    const baselineFile = join(released, `${name}.graphql`);
    // A subgraph new since the release has nothing to break.
    if (!existsSync(baselineFile)) continue;
    const baseline = subgraphSchema(await readFile(baselineFile, 'utf8'));
    const current = subgraphSchema(await readFile(file, 'utf8'));
    results.push(...(await breakingChanges(name, baseline, current, used)));
  }
  const currentApi = apiSchemaOf(await composeSupergraph(join(root, 'supergraph.yaml')));
  results.push(...(await breakingChanges('supergraph', baselineApi, currentApi, used)));
  return results;
}

/**
 * Makes the schemas at `root` the released ones (`npm run schema:release`, when releasing): each
 * subgraph's SDL, a fresh composition of supergraph.yaml, and a copy of proto/.
 */
export async function releaseSchemas(root: string): Promise<void> {
  const released = join(root, RELEASED_DIR);
  await mkdir(released, { recursive: true });
  for (const [name, file] of await subgraphFiles(root))
    await writeFile(join(released, `${name}.graphql`), await readFile(file, 'utf8'));
  await writeFile(
    join(released, 'supergraph.graphql'),
    await composeSupergraph(join(root, 'supergraph.yaml')),
  );
  await rm(join(released, 'proto'), { recursive: true, force: true });
  if (existsSync(join(root, 'proto')))
    await cp(join(root, 'proto'), join(released, 'proto'), { recursive: true });
}
