import { badInput } from './errors.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether an ID can name a row at all (our ids are UUIDs; Postgres rejects anything else). */
export function isUuid(id: string): boolean {
  return UUID.test(id);
}

/** Normalises an id to the lower-case UUID Postgres stores, or null when it is not one. */
export function asUuid(value: string): string | null {
  return UUID.test(value) ? value.toLowerCase() : null;
}

/** An id from the input: BAD_USER_INPUT when it cannot be one. */
export function uuidInput(value: string, field: string): string {
  const id = asUuid(value);
  if (!id) throw badInput(`${field} must be an id`, field);
  return id;
}
