/** SQLSTATEs of a Postgres that refuses connections now: too many (53300), starting or stopping (57P03). */
const REFUSING = new Set(['53300', '57P03']);

/**
 * Whether an error says the database cannot take a connection now (max_connections reached, a
 * role's or database's connection limit, a server starting up): a fault like a subgraph that is
 * down, which a client may retry, not an internal error. Reads Prisma's error (P2037 "Too many
 * database connections opened", its driver adapter's cause) and node-postgres' (the SQLSTATE),
 * through GraphQL's `originalError` and `cause`.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 6; depth++) {
    const { code, meta, originalError, cause } = current as {
      code?: unknown;
      meta?: { driverAdapterError?: { cause?: { kind?: unknown; originalCode?: unknown } } };
      originalError?: unknown;
      cause?: unknown;
    };
    if (code === 'P2037' || (typeof code === 'string' && REFUSING.has(code))) return true;
    const adapterCause = meta?.driverAdapterError?.cause;
    if (
      adapterCause?.kind === 'TooManyConnections' ||
      (typeof adapterCause?.originalCode === 'string' && REFUSING.has(adapterCause.originalCode))
    )
      return true;
    current = originalError ?? cause;
  }
  return false;
}
