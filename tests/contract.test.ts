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

  it.skipIf(!existsSync(shared))('the project copy of the contract matches ../shared', () => {
    const files = readdirSync(shared)
      .filter((file) => file.endsWith('.graphql'))
      .sort();
    expect(
      readdirSync(ours)
        .filter((file) => file.endsWith('.graphql'))
        .sort(),
    ).toEqual(files);
    for (const file of files) {
      expect(readFileSync(join(ours, file), 'utf8'), file).toBe(readFileSync(join(shared, file), 'utf8'));
    }
  });

  it('a subgraph change that breaks a contract document is caught', () => {
    // Same check as above, on a supergraph where users renamed `displayName`: it must fail.
    const subgraphs = ['users', 'chats', 'media', 'presence'].map((name) => {
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
