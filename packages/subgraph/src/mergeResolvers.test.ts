import { DateTime } from '@switchboard/core';
import { describe, expect, it } from 'vitest';
import { mergeResolvers } from './mergeResolvers.ts';

describe('mergeResolvers', () => {
  const chat = () => 'chat';
  const chats = () => ['chat'];
  const send = () => 'sent';

  it('merges the fields of each type, and keeps scalars whole', () => {
    const merged = mergeResolvers<Record<string, unknown>>([
      { DateTime, Query: { chat } },
      { Query: { chats }, Mutation: { send } },
    ]);
    expect(merged).toEqual({ DateTime, Query: { chat, chats }, Mutation: { send } });
    expect(merged['DateTime']).toBe(DateTime);
  });

  it('leaves the maps it merged unchanged', () => {
    const first = { Query: { chat } };
    mergeResolvers<Record<string, unknown>>([first, { Query: { chats } }]);
    expect(first).toEqual({ Query: { chat } });
  });

  it('throws on a field two maps define, naming it', () => {
    expect(() => mergeResolvers([{ Query: { chat } }, { Query: { chat: chats } }])).toThrow(
      'Resolver Query.chat is defined twice',
    );
  });

  it('throws on a scalar two maps define', () => {
    expect(() => mergeResolvers([{ DateTime }, { DateTime }])).toThrow('Resolver DateTime is defined twice');
  });
});
