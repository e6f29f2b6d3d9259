import { Code, ConnectError } from '@connectrpc/connect';

/** Ids one call may ask about: a group's members (1,024) with room to spare. */
export const MAX_IDS_PER_CALL = 2048;

/** Refuses a call that asks about too many ids at once with `invalid_argument`. */
export function checkIdCount(ids: readonly string[]): void {
  if (ids.length > MAX_IDS_PER_CALL)
    throw new ConnectError(`at most ${MAX_IDS_PER_CALL} ids per call`, Code.InvalidArgument);
}
