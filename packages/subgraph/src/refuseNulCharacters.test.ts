import { getOperationAST, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { nulCharacterField } from './refuseNulCharacters.ts';

const fieldOf = (source: string, variables?: Record<string, unknown>) => {
  const document = parse(source);
  return nulCharacterField(document, getOperationAST(document)!, variables);
};

describe('nulCharacterField', () => {
  it('names the argument, or the field of its input object, however deep', () => {
    expect(fieldOf('{ a(text: "a\\u0000b") }')).toBe('text');
    expect(fieldOf('{ a(input: { about: "\\u0000" }) }')).toBe('about');
    expect(fieldOf('{ a(ids: ["x", "\\u0000"]) }')).toBe('ids[1]');
    expect(fieldOf('{ a(input: { keys: [{ id: 1, key: "\\u0000" }] }) }')).toBe('keys[0].key');
    expect(fieldOf('{ a(input: { profile: { about: "\\u0000" } }) }')).toBe('profile.about');
  });

  it('reads variables where they are used, inside literals too, and defaults when absent', () => {
    const source = 'query($input: In, $text: String = "\\u0000") { a(input: $input) b(text: $text) }';
    expect(fieldOf(source, { input: { body: 'a\u0000b' }, text: 'fine' })).toBe('body');
    expect(fieldOf(source, { input: { body: 'fine' } })).toBe('text');
    expect(fieldOf(source, { input: { body: 'fine' }, text: 'fine' })).toBeNull();
    expect(fieldOf('query($b: String) { a(input: { list: [$b] }) }', { b: '\u0000' })).toBe('list[0]');
  });

  it('reads nested fields and fragments, and nothing the operation does not use', () => {
    expect(fieldOf('{ a { b(text: "\\u0000") } }')).toBe('text');
    expect(fieldOf('{ ...F } fragment F on Query { a(text: "\\u0000") }')).toBe('text');
    expect(fieldOf('{ ... on Query { a(text: "\\u0000") } }')).toBe('text');
    expect(fieldOf('{ a(text: "fine") }', { unused: '\u0000' })).toBeNull();
  });
});
