import { unauthenticated } from '@switchboard/core';
import type { UsersContext } from './context.ts';

/** The caller's user id; UNAUTHENTICATED for an anonymous caller. */
export function requireUser(context: UsersContext): string {
  const { userId } = context.identity;
  if (!userId) throw unauthenticated();
  return userId;
}
