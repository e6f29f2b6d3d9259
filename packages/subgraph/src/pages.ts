/**
 * A forward Relay page over rows fetched newest first with one row more than asked for
 * (`take: first + 1`): the extra row only says there is a next page. Lists that reorder (a chat
 * moves up with each message) cannot say what lies before a cursor, so `hasPreviousPage` is
 * whether one was given.
 */
export function forwardPage<T>(rows: T[], first: number, cursorOf: (row: T) => string, afterGiven: boolean) {
  const edges = rows.slice(0, first).map((node) => ({ cursor: cursorOf(node), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > first,
      hasPreviousPage: afterGiven,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
