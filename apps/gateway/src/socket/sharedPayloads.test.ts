import { describe, expect, it } from 'vitest';
import { markSharedCopy } from '../live/sharedCopies.ts';
import { createPayloadSerializer } from './sharedPayloads.ts';

/** What graphql-ws does with a next message: JSON.stringify with our replacer, then our send. */
function wire(serializer: ReturnType<typeof createPayloadSerializer>, message: object): string {
  return serializer.finish(JSON.stringify(message, serializer.replacer));
}

describe('shared payload serialization', () => {
  it('writes exactly what JSON.stringify would, encoding a shared payload once', () => {
    const serializer = createPayloadSerializer();
    const data = { messageAdded: { id: 'm1', body: 'quote " and \\u0000 and </script>', n: [1, 2] } };
    let encoded = 0;
    const counted = new Proxy(data, {
      ownKeys(target) {
        encoded += 1;
        return Reflect.ownKeys(target);
      },
    });
    for (const id of ['1', '2', '3']) {
      const sent = wire(serializer, { id, type: 'next', payload: { data: counted } });
      expect(sent).toBe(JSON.stringify({ id, type: 'next', payload: { data } }));
    }
    expect(encoded).toBe(1);
  });

  it('encodes a per-subscriber copy of a shared payload field by field, its shared values once', () => {
    const serializer = createPayloadSerializer();
    let encoded = 0;
    const event = {
      __typename: 'Added',
      text: 'quote " and \u0000',
      toJSON() {
        encoded += 1;
        return { __typename: this.__typename, text: this.text };
      },
    };
    const shared = { feed: { cursor: 'first', event, skipped: undefined } };
    for (const cursor of ['a', 'b', 'c']) {
      const data = markSharedCopy({ feed: markSharedCopy({ ...shared.feed, cursor, n: 1, none: null }) });
      const sent = wire(serializer, { id: cursor, type: 'next', payload: { data } });
      expect(sent).toBe(JSON.stringify({ id: cursor, type: 'next', payload: { data } }));
    }
    // Once by the copies' serializer; JSON.stringify above encoded it three more times.
    expect(encoded).toBe(4);
  });

  it('leaves payloads with errors, and other messages, as graphql-ws built them', () => {
    const serializer = createPayloadSerializer();
    const withErrors = { id: '1', type: 'next', payload: { data: { a: 1 }, errors: [{ message: 'x' }] } };
    expect(wire(serializer, withErrors)).toBe(JSON.stringify(withErrors));
    // A `data` field of the data, alone in its object, is the client's data, not a payload.
    const nested = {
      id: '1',
      type: 'next',
      payload: { data: { entry: { data: { text: 'hi' } } }, errors: [{ message: 'x', path: ['entry'] }] },
    };
    expect(wire(serializer, nested)).toBe(JSON.stringify(nested));
    const complete = { id: '1', type: 'complete' };
    expect(wire(serializer, complete)).toBe(JSON.stringify(complete));
  });

  it('cannot be steered by an operation id that looks like its placeholder', () => {
    const serializer = createPayloadSerializer();
    const sneaky = {
      id: '\u0000switchboard:payload\u0000',
      type: 'next',
      payload: { data: { secret: 'mine' } },
    };
    expect(JSON.parse(wire(serializer, sneaky))).toEqual(sneaky);
  });
});
