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

const readDocuments = (dir: string): DocumentNode =>
  concatAST(
    readdirSync(dir)
      .filter((file) => file.endsWith('.graphql'))
      .sort()
      .map((file) => parse(readFileSync(join(dir, file), 'utf8'))),
  );

describe('client contract', () => {
  it('the committed supergraph equals a fresh composition of supergraph.yaml', async () => {
    const fresh = await composeSupergraph(join(root, 'supergraph.yaml'));
    expect(readFileSync(join(root, 'supergraph.graphql'), 'utf8')).toBe(fresh);
  });

  it('every contract document validates against the supergraph', () => {
    const api = apiSchemaOf(readFileSync(join(root, 'supergraph.graphql'), 'utf8'));
    expect(validate(api, readDocuments(ours)).map((error) => error.message)).toEqual([]);
  });

  it.skipIf(!existsSync(shared))('the project copy of the contract matches ../shared (with next/)', () => {
    const graphqlFiles = (dir: string) =>
      existsSync(dir) ? readdirSync(dir).filter((file) => file.endsWith('.graphql')) : [];
    const sources = new Map<string, string>();
    for (const dir of [shared, sharedNext])
      for (const file of graphqlFiles(dir)) {
        expect(sources.has(file), `${file} is in both operations/ and next/`).toBe(false);
        sources.set(file, join(dir, file));
      }
    const files = [...sources.keys()].sort();
    expect(graphqlFiles(ours).sort()).toEqual(files);
    for (const file of files) {
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
