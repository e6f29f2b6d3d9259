import { badInput } from '@switchboard/core';

/**
 * Validation of what clients send, shared by the resolvers. Each function returns the
 * normalized value or throws BAD_USER_INPUT naming the field, before anything is written.
 */

const USERNAME = /^[a-z0-9_]{3,32}$/;

/** Usernames are case-insensitive: normalized to lower case before they are validated or stored. */
export function normalizeUsername(username: string): string {
  return username.toLowerCase();
}

export function isValidUsername(normalized: string): boolean {
  return USERNAME.test(normalized);
}

/** Length in characters (code points), not UTF-16 units, so an emoji counts once. */
export function charLength(value: string): number {
  let length = 0;
  for (const _ of value) length += 1;
  return length;
}

export function parseDisplayName(displayName: string, field = 'displayName'): string {
  const trimmed = displayName.trim();
  const length = charLength(trimmed);
  if (length < 1 || length > 64) throw badInput('Display name must be 1-64 characters', field);
  return trimmed;
}

/** What a device is called when the client names none: nothing it did not say is guessed. */
export const DEFAULT_DEVICE_NAME = 'Unnamed device';
const CONTROL = /\p{Cc}/u;

/** A device's name as the client gave it, trimmed: 1-64 characters with no control characters. */
export function parseDeviceName(deviceName: string | null | undefined): string {
  if (deviceName == null) return DEFAULT_DEVICE_NAME;
  const trimmed = deviceName.trim();
  const length = charLength(trimmed);
  if (length < 1 || length > 64 || CONTROL.test(trimmed))
    throw badInput('Device name must be 1-64 characters with no control characters', 'deviceName');
  return trimmed;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Strict standard base64 (RFC 4648 §4, padded). Buffer.from alone skips invalid characters,
 * which would accept garbage. Returns null when `value` is not base64.
 */
export function decodeBase64(value: string): Buffer | null {
  if (!BASE64.test(value)) return null;
  return Buffer.from(value, 'base64');
}

/** Base64url (RFC 4648 §5), as Web Push uses it: padding optional. Null when not base64url. */
export function decodeBase64Url(value: string): Buffer | null {
  const unpadded = value.replace(/={1,2}$/, '');
  if (!BASE64URL.test(unpadded) || unpadded.length % 4 === 1) return null;
  return Buffer.from(unpadded, 'base64url');
}
