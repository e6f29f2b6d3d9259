import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { Fetcher } from '@apollo/utils.fetcher';
import { ErrorCode, INTERNAL_IDENTITY_HEADER, appError } from '@switchboard/core';
import { injectTraceContext } from '@switchboard/observability';
import CircuitBreaker from 'opossum';
import type { GatewayContext } from './context.ts';
import type { EntityCache } from './federation/entityCache.ts';

/** How the gateway protects itself and its clients from a subgraph in trouble. */
export interface SubgraphCallPolicy {
  /** A call not answered within this long fails (SERVICE_UNAVAILABLE), rather than hang. */
  timeoutMs: number;
  /** Failures (no answer, 5xx) in the rolling window, in percent, that open the breaker. */
  errorThresholdPercentage: number;
  /** Calls in the window before the breaker judges at all. */
  volumeThreshold: number;
  /** How long an open breaker fails calls at once before it lets one through to try. */
  resetTimeoutMs: number;
}

export const DEFAULT_SUBGRAPH_CALL_POLICY: SubgraphCallPolicy = {
  timeoutMs: 5_000,
  errorThresholdPercentage: 50,
  volumeThreshold: 5,
  resetTimeoutMs: 2_000,
};

/** A subgraph that cannot answer now: the client may retry after `retryAfter` seconds. */
export const subgraphUnavailable = (subgraph: string, retryAfterMs: number) =>
  appError(ErrorCode.SERVICE_UNAVAILABLE, `The ${subgraph} service is unavailable; retry shortly`, {
    retryAfter: Math.max(1, Math.ceil(retryAfterMs / 1000)),
  });

/** An answer that says the subgraph itself is in trouble (as opposed to the request). */
class SubgraphFailure extends Error {}

/**
 * The one path from the gateway to a subgraph, for client operations, subscription payloads and
 * the gateway's own internal operations alike. It sends an internal identity token for the
 * operation's caller, minted for this subgraph alone (design.md, principle 6), and the W3C
 * `traceparent`; Node's fetch (undici) keeps connections to subgraphs alive. A subscription's
 * primary fetch is answered from the live event's own data when that covers it; otherwise the
 * event goes to the owner, which resolves the field from it.
 *
 * Each call has a deadline, and a circuit breaker (opossum) per subgraph fails calls at once while
 * the subgraph keeps failing, then lets one through to see if it is back: a client gets
 * SERVICE_UNAVAILABLE with `retryAfter` at once instead of a reset or a long wait.
 */
export class IdentityDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  override fetcher = ((url: string, init: RequestInit) => this.send(url, init)) as unknown as Fetcher;
  private readonly breaker: CircuitBreaker<[() => Promise<Response>], Response>;
  private readonly policy: SubgraphCallPolicy;

  /** `subgraph` is the audience of the tokens this data source sends. */
  constructor(
    readonly subgraph: string,
    url: string,
    policy: Partial<SubgraphCallPolicy> = {},
    private readonly entityCache?: EntityCache,
  ) {
    super({ url });
    this.policy = { ...DEFAULT_SUBGRAPH_CALL_POLICY, ...policy };
    this.breaker = new CircuitBreaker((call: () => Promise<Response>) => call(), {
      timeout: false, // the call's own AbortSignal ends it (and frees its connection)
      errorThresholdPercentage: this.policy.errorThresholdPercentage,
      volumeThreshold: this.policy.volumeThreshold,
      resetTimeout: this.policy.resetTimeoutMs,
      // Only a subgraph in trouble counts, not a request it refused (4xx, GraphQL errors).
      errorFilter: (error: unknown) => !(error instanceof SubgraphFailure),
    });
  }

  /** Whether the breaker is letting calls through (for /health and metrics). */
  get available(): boolean {
    return !this.breaker.opened;
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
    if (this.entityCache)
      return this.entityCache.fetch(this.subgraph, options, (rest) => super.process(rest));
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

  /**
   * Every HTTP call to the subgraph, within its deadline and through the breaker. No answer, or a
   * 502/503/504, is the subgraph's failure; a call the breaker refuses, or one that failed so, is
   * SERVICE_UNAVAILABLE for the client.
   */
  private async send(url: string, init: RequestInit): Promise<Response> {
    if (this.breaker.opened) throw subgraphUnavailable(this.subgraph, this.policy.resetTimeoutMs);
    try {
      return await this.breaker.fire(async () => {
        let response: Response;
        try {
          response = await fetch(url, { ...init, signal: AbortSignal.timeout(this.policy.timeoutMs) });
        } catch (error) {
          throw new SubgraphFailure(`${this.subgraph} did not answer: ${(error as Error).message}`);
        }
        if ([502, 503, 504].includes(response.status)) {
          await response.body?.cancel();
          throw new SubgraphFailure(`${this.subgraph} answered ${response.status}`);
        }
        return response;
      });
    } catch (error) {
      if (error instanceof SubgraphFailure || (error instanceof Error && CircuitBreaker.isOurError(error)))
        throw subgraphUnavailable(this.subgraph, this.breaker.opened ? this.policy.resetTimeoutMs : 1_000);
      throw error;
    }
  }
}
