import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher } from '@apollo/utils.fetcher';
import { INTERNAL_IDENTITY_HEADER } from '@switchboard/core';
import { injectTraceContext } from '@switchboard/observability';
import type { GatewayContext } from './context.ts';

/**
 * Sends every subgraph request with an internal identity token for the operation's caller, minted
 * for this subgraph alone (design.md, principle 6). Node's fetch (undici) keeps connections to
 * subgraphs alive.
 */
export class IdentityDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override fetcher = fetch as unknown as Fetcher;

  /** `subgraph` is the audience of the tokens this data source sends. */
  constructor(
    readonly subgraph: string,
    url: string,
  ) {
    super({ url });
  }

  override async willSendRequest({
    request,
    context,
  }: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<void> {
    const token = await context.internalToken?.(this.subgraph);
    if (token) request.http?.headers.set(INTERNAL_IDENTITY_HEADER, token);
    // W3C `traceparent` of the gateway's fetch span: the subgraph's spans join the operation's trace.
    if (request.http) injectTraceContext(request.http.headers);
    // A subscription payload: the owning subgraph answers its primary fetch from this event.
    if (context.liveEvent !== undefined)
      request.extensions = { ...request.extensions, liveEvent: context.liveEvent };
  }
}
