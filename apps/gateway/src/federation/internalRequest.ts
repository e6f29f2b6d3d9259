import type { Identity } from '@switchboard/core';
import { parse } from 'graphql';
import { rootError } from '../live/payloadResolver.ts';
import type { Federation } from './federation.ts';

/**
 * The gateway's own operation on a subgraph's internal (usually @inaccessible) fields, sent as
 * `identity` through the same planner and data sources as client operations: one path.
 */
export function internalRequest(federation: Federation, tokenFor: (identity: Identity) => Promise<string>) {
  return async function request<T>(
    identity: Identity,
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<T> {
    const planned = federation.plan(`internal\n${query}`, () => parse(query), undefined, true);
    const result = await federation.execute(planned, {
      context: { identity, internalToken: await tokenFor(identity) },
      variables,
    });
    if (result.errors?.length || !result.data) throw rootError(result.errors?.[0]);
    return result.data as T;
  };
}

export type InternalRequest = ReturnType<typeof internalRequest>;
