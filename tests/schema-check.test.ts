import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compositionVersionMismatch } from '../apps/gateway/src/composeSupergraph.ts';
import {
  checkGraphQLSchemas,
  MANIFEST,
  RELEASED_DIR,
  releaseSchemas,
  subgraphFiles,
} from '../scripts/schemaCompatibility.ts';

const root = new URL('..', import.meta.url).pathname;
const copies: string[] = [];

/** What the checker reads of the repository, copied to a directory of its own. */
async function copyOfRepository(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'schema-check-'));
  copies.push(dir);
  const files = [...(await subgraphFiles(root)).values()].map((file) => relative(root, file));
  for (const path of ['supergraph.yaml', MANIFEST, RELEASED_DIR, ...files])
    await cp(join(root, path), join(dir, path), { recursive: true });
  return dir;
}

/** Replaces `from` (which must be there) with `to` in a subgraph's SDL, or in a file named by its path. */
async function edit(dir: string, path: string, from: string, to: string) {
  const file = path.includes('.') ? join(dir, path) : join(dir, `subgraphs/${path}/src/schema.graphql`);
  const text = await readFile(file, 'utf8');
  expect(text, `${path} holds ${from}`).toContain(from);
  await writeFile(file, text.replace(from, to));
}

const refused = async (dir: string) =>
  (await checkGraphQLSchemas(dir))
    .filter((change) => !change.allowed)
    .map(({ schema, path }) => `${schema} ${path}`);

afterEach(async () => {
  await Promise.all(copies.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('npm run check:schema (GraphQL)', () => {
  it("passes on the repository's own schemas", async () => {
    expect(await refused(root)).toEqual([]);
  });

  it('fails on a removed field, a nullability change and a removed enum value', async () => {
    const dir = await copyOfRepository();
    const about = '  "A short text about the user, at most 500 characters; null when not set."\n';
    await edit(dir, 'users', `${about}  about: String @cached(maxAge: 3600)\n`, '');
    await edit(dir, 'users', 'displayName: String! @cached', 'displayName: String @cached');
    await edit(dir, 'media', '  "Anything else."\n  FILE\n}', '}');
    expect((await refused(dir)).sort()).toEqual(
      [
        'media MediaKind.FILE',
        'supergraph MediaKind.FILE',
        'supergraph User.about',
        'supergraph User.displayName',
        'users User.about',
        'users User.displayName',
      ].sort(),
    );
  });

  it('passes when the removed field was deprecated in the release and no persisted document uses it', async () => {
    const dir = await copyOfRepository();
    const legacy = '  "Replaced by about."\n  status: String @deprecated(reason: "Use about.")\n';
    await edit(dir, 'users', '  devices: [Device!]!\n', `  devices: [Device!]!\n${legacy}`);
    await releaseSchemas(dir);
    await edit(dir, 'users', legacy, '');
    const changes = await checkGraphQLSchemas(dir);
    expect(changes.map(({ schema, path, allowed }) => ({ schema, path, allowed }))).toEqual([
      { schema: 'users', path: 'User.status', allowed: true },
      { schema: 'supergraph', path: 'User.status', allowed: true },
    ]);
  });

  it('fails when a deprecated field is still used by a document of the persisted manifest', async () => {
    const dir = await copyOfRepository();
    const field = 'displayName: String! @cached(maxAge: 3600)';
    await edit(dir, 'users', field, `${field} @deprecated(reason: "Going.")`);
    await releaseSchemas(dir);
    await edit(
      dir,
      'users',
      `  "The name shown to others: 1-64 characters."\n  ${field} @deprecated(reason: "Going.")\n`,
      '',
    );
    const changes = await checkGraphQLSchemas(dir);
    expect(changes.filter((change) => !change.allowed).map((change) => change.reason)).toEqual([
      'still used by a document of the persisted manifest',
      'still used by a document of the persisted manifest',
    ]);
  });
});

describe('the composition version supergraph.yaml pins', () => {
  it('allows the installed @apollo/composition only', () => {
    expect(compositionVersionMismatch('=2.14.4', '2.14.4')).toBeNull();
    expect(compositionVersionMismatch('2', '2.14.4')).toBeNull();
    expect(compositionVersionMismatch('=2.7.0', '2.14.4')).toMatch(
      /pins federation_version =2.7.0.*2.14.4 is installed/,
    );
    expect(compositionVersionMismatch('1', '2.14.4')).not.toBeNull();
  });

  it('is refused by compose when it is not the installed one', async () => {
    const dir = await copyOfRepository();
    await edit(
      dir,
      'supergraph.yaml',
      /federation_version: .*/.exec(await readFile(join(dir, 'supergraph.yaml'), 'utf8'))![0],
      'federation_version: =2.7.0',
    );
    await expect(checkGraphQLSchemas(dir)).rejects.toThrow(/pins federation_version =2.7.0/);
  });
});
