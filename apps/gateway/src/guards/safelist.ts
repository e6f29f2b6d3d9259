import { createHash } from 'node:crypto';
import { ErrorCode, appError } from '@switchboard/core';
import { parse, print, visit, type DocumentNode, type GraphQLError } from 'graphql';
import type { PersistedQueryManifest } from './manifest.ts';

/**
 * The document as the safelist compares it: without `__typename` selections, which Apollo's
 * clients add to every selection set (they change no cost and expose nothing), printed canonically.
 */
function canonicalHash(document: DocumentNode): string {
  const stripped = visit(document, {
    Field: (field) => (field.name.value === '__typename' && !field.alias ? null : undefined),
  });
  return createHash('sha256').update(print(stripped)).digest('hex');
}

/**
 * Trusted documents: with the safelist on, only the manifest's operations run, sent by id (the APQ
 * hash, without the query) or as the same document — identical, or differing only by the
 * `__typename` fields a client library adds. The refusal is FORBIDDEN, as in Apollo's operation
 * registry.
 */
export function createSafelist(manifest: PersistedQueryManifest) {
  const ids = new Set(manifest.operations.map((operation) => operation.id));
  const canonical = new Set(manifest.operations.map((operation) => canonicalHash(parse(operation.body))));
  return {
    check(queryHash: string, document: DocumentNode): GraphQLError | undefined {
      if (ids.has(queryHash) || canonical.has(canonicalHash(document))) return undefined;
      return appError(
        ErrorCode.FORBIDDEN,
        'Only the operations of the persisted query manifest run here; this one is not in it',
        { reason: 'NOT_IN_SAFELIST' },
      );
    },
  };
}
