import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { concatAST, parse, validate, type DocumentNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { apiSchemaOf } from '../apps/gateway/src/apiSchema.ts';
import { composeSupergraph } from '../apps/gateway/src/composeSupergraph.ts';

const root = new URL('..', import.meta.url).pathname;
const ours = join(root, 'contract/operations');
const shared = join(root, '../shared/contract/operations');
/** Documents of open issues (`../shared/contract/next`): once served, they are part of the shared set. */
const sharedNext = join(root, '../shared/contract/next');

const graphqlFiles = (dir: string) =>
  existsSync(dir) ? readdirSync(dir).filter((file) => file.endsWith('.graphql')) : [];

const readDocuments = (dir: string): DocumentNode =>
  concatAST(
    graphqlFiles(dir)
      .sort()
      .map((file) => parse(readFileSync(join(dir, file), 'utf8'))),
  );

const apiSchema = () => apiSchemaOf(readFileSync(join(root, 'supergraph.graphql'), 'utf8'));

describe('client contract', () => {
  it('the committed supergraph equals a fresh composition of supergraph.yaml', async () => {
    const fresh = await composeSupergraph(join(root, 'supergraph.yaml'));
    expect(readFileSync(join(root, 'supergraph.graphql'), 'utf8')).toBe(fresh);
  });

  it('every contract document validates against the supergraph', () => {
    expect(validate(apiSchema(), readDocuments(ours)).map((error) => error.message)).toEqual([]);
  });

  it.skipIf(!existsSync(shared))('the project copy of the contract matches ../shared (with next/)', () => {
    // Every shared document is required; a next/ document only once the supergraph serves it
    // (it validates beside the shared ones), since its issue may still be open. Present, it is
    // identical either way.
    const api = apiSchema();
    const sharedDocuments = readDocuments(shared);
    const sources = new Map<string, string>();
    const required = new Set<string>();
    for (const dir of [shared, sharedNext])
      for (const file of graphqlFiles(dir)) {
        expect(sources.has(file), `${file} is in both operations/ and next/`).toBe(false);
        sources.set(file, join(dir, file));
        const text = readFileSync(join(dir, file), 'utf8');
        if (dir === shared || validate(api, concatAST([sharedDocuments, parse(text)])).length === 0)
          required.add(file);
      }
    const present = graphqlFiles(ours);
    expect(
      present.filter((file) => !sources.has(file)),
      'files that are not in ../shared',
    ).toEqual([]);
    expect(
      [...required].filter((file) => !present.includes(file)),
      'served files missing',
    ).toEqual([]);
    for (const file of present) {
      expect(readFileSync(join(ours, file), 'utf8'), file).toBe(readFileSync(sources.get(file)!, 'utf8'));
    }
  });

  it('a subgraph change that breaks a contract document is caught', () => {
    // Same check as above, on a supergraph where users renamed `displayName`: it must fail.
    const subgraphs = ['users', 'chats', 'media', 'presence', 'calls'].map((name) => {
      let sdl = readFileSync(join(root, `subgraphs/${name}/src/schema.graphql`), 'utf8');
      if (name === 'users') sdl = sdl.replace('displayName: String!', 'fullName: String!');
      return { name, url: `http://${name}`, typeDefs: parse(sdl) };
    });
    const composed = composeServices(subgraphs);
    expect(composed.errors).toBeUndefined();
    const errors = validate(apiSchemaOf(composed.supergraphSdl!), readDocuments(ours));
    expect(errors.map((error) => error.message)).toContain(
      'Cannot query field "displayName" on type "User".',
    );
  });
});
