import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  Kind,
  parse,
  print,
  visit,
  type DefinitionNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type OperationTypeNode,
} from 'graphql';

/** Apollo's persisted query manifest format (what `@apollo/generate-persisted-query-manifest` writes). */
export interface PersistedQueryManifest {
  format: 'apollo-persisted-query-manifest';
  version: 1;
  operations: PersistedOperation[];
}

export interface PersistedOperation {
  /** SHA-256 (hex) of `body`: the APQ hash a client sends for it. */
  id: string;
  name: string;
  type: `${OperationTypeNode}`;
  body: string;
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Builds the manifest from the contract's `.graphql` files, read as one document set. Each body is
 * the operation followed by every fragment it uses (in the order first used), each printed by
 * graphql-js and separated by a blank line: the same text the test client sends, so a contract
 * operation matches by text as well as by id. Operations are sorted by name.
 */
export async function buildManifest(operationsDir: string): Promise<PersistedQueryManifest> {
  const files = (await readdir(operationsDir)).filter((file) => file.endsWith('.graphql')).sort();
  const definitions: DefinitionNode[] = [];
  for (const file of files)
    definitions.push(...parse(await readFile(join(operationsDir, file), 'utf8')).definitions);
  const fragments = new Map(
    definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d]),
  );

  const operations = definitions
    .filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
    .map((operation): PersistedOperation => {
      if (!operation.name) throw new Error('Every contract operation needs a name');
      const used = new Set<string>();
      const collect = (node: DefinitionNode) =>
        visit(node, {
          FragmentSpread(spread) {
            if (used.has(spread.name.value)) return;
            used.add(spread.name.value);
            const fragment = fragments.get(spread.name.value);
            if (!fragment)
              throw new Error(`Unknown fragment ${spread.name.value} in ${operation.name?.value}`);
            collect(fragment);
          },
        });
      collect(operation);
      const body = [operation, ...[...used].map((name) => fragments.get(name)!)]
        .map((definition) => print(definition))
        .join('\n\n');
      return { id: sha256(body), name: operation.name.value, type: operation.operation, body };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const names = new Set<string>();
  for (const { name } of operations) {
    if (names.has(name)) throw new Error(`Two contract operations are named ${name}`);
    names.add(name);
  }
  return { format: 'apollo-persisted-query-manifest', version: 1, operations };
}

/** The manifest as committed: stable key order, two-space JSON, trailing newline. */
export const serializeManifest = (manifest: PersistedQueryManifest) =>
  `${JSON.stringify(manifest, null, 2)}\n`;

export async function readManifest(path: string): Promise<PersistedQueryManifest> {
  const manifest = JSON.parse(await readFile(path, 'utf8')) as PersistedQueryManifest;
  if (manifest.format !== 'apollo-persisted-query-manifest' || manifest.version !== 1)
    throw new Error(`${path} is not an apollo-persisted-query-manifest, version 1`);
  for (const operation of manifest.operations) {
    if (sha256(operation.body) !== operation.id)
      throw new Error(`${path}: the id of ${operation.name} is not the SHA-256 of its body`);
  }
  return manifest;
}
