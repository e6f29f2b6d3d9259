/**
 * Objects made for one subscriber from a shared payload (its event's `own` values set: see
 * `withOwn`): every other value in them is the shared payload's own object, never changed, so the
 * socket's serializer encodes those once for every subscriber and only the copies per subscriber.
 */
const copies = new WeakSet<object>();

export function markSharedCopy<T extends object>(copy: T): T {
  copies.add(copy);
  return copy;
}

export const isSharedCopy = (value: object): boolean => copies.has(value);
