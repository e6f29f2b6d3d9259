import type { Client } from '@connectrpc/connect';
import { badInput } from '@switchboard/core';
import { rpcFailure } from '@switchboard/rpc';
import type { UsersService } from '@switchboard/rpc/users/v1';

/** Whether user ids name users, asked of users over the internal gRPC plane (architecture.md, principle 9). */
export interface UserDirectory {
  /**
   * Refuses ids that name no user with BAD_USER_INPUT on `field` (they are listed in
   * `extensions.unknownUserIds`), before anything is stored; SERVICE_UNAVAILABLE when users
   * cannot answer now.
   */
  requireUsers(ids: readonly string[], field: string): Promise<void>;
}

export function createUserDirectory(users: Client<typeof UsersService>): UserDirectory {
  return {
    async requireUsers(ids, field) {
      if (ids.length === 0) return;
      let existing: Set<string>;
      try {
        existing = new Set((await users.exist({ userIds: [...ids] })).existingUserIds);
      } catch (error) {
        throw rpcFailure('users', error);
      }
      const unknown = ids.filter((id) => !existing.has(id));
      if (unknown.length > 0)
        throw badInput(
          unknown.length === 1 ? `No user has the id ${unknown[0]}` : 'Some ids name no user',
          field,
          {
            unknownUserIds: unknown,
          },
        );
    },
  };
}
