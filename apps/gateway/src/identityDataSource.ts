import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher } from '@apollo/utils.fetcher';
import { INTERNAL_IDENTITY_HEADER } from '@switchboard/core';
import { injectTraceContext } from '@switchboard/observability';
import type { GatewayContext } from './context.ts';

/**
 * Sends every subgraph request with the internal identity token the gateway minted for the
 * operation (design.md, principle 6). Node's fetch (undici) keeps connections to subgraphs alive.
 */
export class IdentityDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override fetcher = fetch as unknown as Fetcher;

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const token = context.internalToken;
    if (token) request.http?.headers.set(INTERNAL_IDENTITY_HEADER, token);
    // W3C `traceparent` of the gateway's fetch span: the subgraph's spans join the operation's trace.
    if (request.http) injectTraceContext(request.http.headers);
    // A subscription payload: the owning subgraph answers its primary fetch from this event.
    if (context.liveEvent !== undefined)
      request.extensions = { ...request.extensions, liveEvent: context.liveEvent };
  }
}
