import { isSharedCopy } from '../live/sharedCopies.ts';

/**
 * Serializes a subscription payload once, however many sockets it goes to (architecture.md, principle
 * 4): a shared resolution hands every subscriber the same `data` object, and JSON-encoding it again
 * per socket was most of a fan-out's cost in the gateway. graphql-ws builds each message with our
 * `replacer`, which swaps a payload's `data` for a placeholder and remembers the data's JSON (per
 * object); `finish` splices that JSON back in just before the message is written. Only the
 * message's end is matched (`..."payload":{"data":<placeholder>}}`), which nothing a client sends
 * (e.g. an operation id) can reach. A payload made per subscriber from a shared one (its own
 * cursor set: `markSharedCopy`) is encoded field by field, each shared value once.
 */
export function createPayloadSerializer() {
  const serialized = new WeakMap<object, string>();

  /** The JSON of a payload's value: a shared object's once, a per-subscriber copy's each time. */
  function jsonOf(value: object): string {
    if (isSharedCopy(value)) return copyJson(value);
    let json = serialized.get(value);
    if (json === undefined) {
      json = JSON.stringify(value);
      serialized.set(value, json);
    }
    return json;
  }

  /** JSON.stringify's output for a plain object, with each object in it encoded by `jsonOf`. */
  function copyJson(copy: object): string {
    const fields: string[] = [];
    for (const [key, value] of Object.entries(copy)) {
      if (value === undefined || typeof value === 'function' || typeof value === 'symbol') continue;
      const json = value !== null && typeof value === 'object' ? jsonOf(value) : JSON.stringify(value);
      fields.push(`${JSON.stringify(key)}:${json}`);
    }
    return `{${fields.join(',')}}`;
  }

  const placeholder = '\u0000switchboard:payload\u0000';
  const suffix = `"payload":{"data":${JSON.stringify(placeholder)}}}`;
  let pending: string | undefined;
  /** The message being serialized (JSON.stringify hands it first, under the key ''). */
  let serializing: unknown;

  return {
    replacer(this: unknown, key: string, value: unknown): unknown {
      if (key === '') serializing = value;
      if (key !== 'data' || value === null || typeof value !== 'object') return value;
      // Only the message's payload, when it is `{ data }` alone (no errors, no extensions), is
      // shared as is: never a `data` field inside the payload's data.
      const payload = (serializing as { payload?: unknown } | null)?.payload;
      if (this !== payload || Object.keys(this as object).length !== 1) return value;
      pending = jsonOf(value);
      return placeholder;
    },
    /** The message as it goes on the wire, with the payload's JSON in place. */
    finish(message: string): string {
      const json = pending;
      pending = undefined;
      serializing = undefined;
      if (json === undefined || !message.endsWith(suffix)) return message;
      return `${message.slice(0, -suffix.length)}"payload":{"data":${json}}}`;
    },
  };
}
