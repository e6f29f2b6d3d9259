import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { Fetcher } from '@apollo/utils.fetcher';
import { INTERNAL_IDENTITY_HEADER } from '@switchboard/core';
import { injectTraceContext } from '@switchboard/observability';
import type { GatewayContext } from './context.ts';

/**
 * The one path from the gateway to a subgraph, for client operations, subscription payloads and
 * the gateway's own internal operations alike. It sends an internal identity token for the
 * operation's caller, minted for this subgraph alone (design.md, principle 6), and the W3C
 * `traceparent`; Node's fetch (undici) keeps connections to subgraphs alive. A subscription's
 * primary fetch is answered from the live event's own data when that covers it; otherwise the
 * event goes to the owner, which resolves the field from it.
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

  override async process(
    options: GraphQLDataSourceProcessOptions<GatewayContext>,
  ): Promise<GatewayGraphQLResponse> {
    const live = 'incomingRequestContext' in options ? options.context.live : undefined;
    if (live && options.request.query === live.primary.operation) {
      const { data, ...event } = live.event;
      const answered = live.primary.project(data);
      if (answered) return { data: answered };
      options.request.extensions = { ...options.request.extensions, liveEvent: event };
    }
    return super.process(options);
  }

  override async willSendRequest({
    request,
    context,
  }: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<void> {
    const token = await context.internalToken?.(this.subgraph);
    if (token) request.http?.headers.set(INTERNAL_IDENTITY_HEADER, token);
    // W3C `traceparent` of the gateway's fetch span: the subgraph's spans join the operation's trace.
    if (request.http) injectTraceContext(request.http.headers);
  }
}
