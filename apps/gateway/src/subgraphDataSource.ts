import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { ErrorCode, INTERNAL_IDENTITY_HEADER, appError } from '@switchboard/core';
import { injectTraceContext } from '@switchboard/observability';
import { GraphQLError } from 'graphql';
import CircuitBreaker from 'opossum';
import { Agent, request as httpRequest } from 'undici';
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
  /**
   * Keep-alive connections to the subgraph at most; calls beyond them wait for one. Unbounded,
   * 200 sockets subscribing at once opened 1,338 connections to chats, each a file descriptor at
   * both ends and a TCP handshake: 19,000 sockets then ran the gateway out of its 20,000.
   */
  maxConnections: number;
}

export const DEFAULT_SUBGRAPH_CALL_POLICY: SubgraphCallPolicy = {
  timeoutMs: 5_000,
  errorThresholdPercentage: 50,
  volumeThreshold: 5,
  resetTimeoutMs: 2_000,
  maxConnections: 64,
};

/** A subgraph that cannot answer now: the client may retry after `retryAfter` seconds. */
export const subgraphUnavailable = (subgraph: string, retryAfterMs: number) =>
  appError(ErrorCode.SERVICE_UNAVAILABLE, `The ${subgraph} service is unavailable; retry shortly`, {
    retryAfter: Math.max(1, Math.ceil(retryAfterMs / 1000)),
  });

/** An answer that says the subgraph itself is in trouble (as opposed to the request). */
class SubgraphFailure extends Error {}

type Options = GraphQLDataSourceProcessOptions<GatewayContext>;

/**
 * The one path from the gateway to a subgraph, for client operations, subscription payloads and
 * the gateway's own internal operations alike (conventions.md: one path to each subgraph, with hooks):
 *
 * - a subscription's primary fetch is answered from the live event's own data when that covers it
 *   (otherwise the event goes to the owner, which resolves the field from it);
 * - `_entities` fetches of `@cached` fields go through the entity cache;
 * - every request carries an internal identity token for the operation's caller, minted for this
 *   subgraph alone (architecture.md, principle 6), and the W3C `traceparent`;
 * - each call has a deadline, and a circuit breaker (opossum) fails calls at once while the
 *   subgraph keeps failing, then lets one through to see if it is back: clients get
 *   SERVICE_UNAVAILABLE with `retryAfter` at once, not a reset or a long wait.
 *
 * HTTP goes through undici's `request` on a keep-alive pool of its own: the WHATWG fetch that
 * RemoteGraphQLDataSource uses (Request, Headers, streams and an AbortSignal per call) cost more
 * than the rest of a fetch in the gateway's profile.
 */
export class SubgraphDataSource implements GraphQLDataSource<GatewayContext> {
  private readonly policy: SubgraphCallPolicy;
  private readonly breaker: CircuitBreaker<[() => Promise<GatewayGraphQLResponse>], GatewayGraphQLResponse>;
  private readonly agent: Agent;

  /** `subgraph` is the audience of the tokens this data source sends. */
  constructor(
    readonly subgraph: string,
    readonly url: string,
    policy: Partial<SubgraphCallPolicy> = {},
    private readonly entityCache?: EntityCache,
  ) {
    this.policy = { ...DEFAULT_SUBGRAPH_CALL_POLICY, ...policy };
    this.agent = new Agent({
      connections: this.policy.maxConnections,
      keepAliveTimeout: 60_000,
      headersTimeout: this.policy.timeoutMs,
      bodyTimeout: this.policy.timeoutMs,
    });
    this.breaker = new CircuitBreaker((call: () => Promise<GatewayGraphQLResponse>) => call(), {
      timeout: false, // the call's own deadline (undici's timeouts) ends it
      errorThresholdPercentage: this.policy.errorThresholdPercentage,
      volumeThreshold: this.policy.volumeThreshold,
      resetTimeout: this.policy.resetTimeoutMs,
      // Only a subgraph in trouble counts, not a request it refused (4xx, GraphQL errors).
      errorFilter: (error: unknown) => !(error instanceof SubgraphFailure),
    });
  }

  /** Whether the breaker is letting calls through. */
  get available(): boolean {
    return !this.breaker.opened;
  }

  async process(options: Options): Promise<GatewayGraphQLResponse> {
    const live = 'incomingRequestContext' in options ? options.context.live : undefined;
    if (live && options.request.query === live.primary.operation) {
      const { data, ...event } = live.event;
      const answered = live.primary.project(data);
      if (answered) return { data: answered };
      options.request.extensions = { ...options.request.extensions, liveEvent: event };
    }
    if (this.entityCache) return this.entityCache.fetch(this.subgraph, options, (rest) => this.send(rest));
    return this.send(options);
  }

  /** Closes the keep-alive pool (the gateway stops). */
  async close(): Promise<void> {
    await this.agent.close();
  }

  private async send(options: Options): Promise<GatewayGraphQLResponse> {
    const context = 'incomingRequestContext' in options ? options.context : undefined;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const token = await context?.internalToken?.(this.subgraph);
    if (token) headers[INTERNAL_IDENTITY_HEADER] = token;
    // W3C `traceparent` of the gateway's fetch span: the subgraph's spans join the operation's trace.
    injectTraceContext({ set: (name, value) => (headers[name] = value) });
    const { query, variables, operationName, extensions } = options.request;
    const body = JSON.stringify({ query, variables, operationName, extensions });

    if (this.breaker.opened) throw subgraphUnavailable(this.subgraph, this.policy.resetTimeoutMs);
    try {
      return await this.breaker.fire(() => this.call(headers, body));
    } catch (error) {
      if (error instanceof SubgraphFailure || (error instanceof Error && CircuitBreaker.isOurError(error)))
        throw subgraphUnavailable(this.subgraph, this.breaker.opened ? this.policy.resetTimeoutMs : 1_000);
      throw error;
    }
  }

  /** One HTTP call within the deadline; no answer, or a 502/503/504, is the subgraph's failure. */
  private async call(headers: Record<string, string>, body: string): Promise<GatewayGraphQLResponse> {
    let response: Awaited<ReturnType<typeof httpRequest>>;
    try {
      response = await httpRequest(this.url, { method: 'POST', headers, body, dispatcher: this.agent });
    } catch (error) {
      throw new SubgraphFailure(`${this.subgraph} did not answer: ${(error as Error).message}`);
    }
    const { statusCode } = response;
    if (statusCode === 502 || statusCode === 503 || statusCode === 504) {
      await response.body.dump();
      throw new SubgraphFailure(`${this.subgraph} answered ${statusCode}`);
    }
    let text: string;
    try {
      text = await response.body.text();
    } catch (error) {
      throw new SubgraphFailure(`${this.subgraph} did not finish its answer: ${(error as Error).message}`);
    }
    if (statusCode < 200 || statusCode > 299) throw this.errorFromResponse(statusCode, text);
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null)
      throw new Error(`Expected JSON response body, but received: ${text.slice(0, 100)}`);
    return parsed as GatewayGraphQLResponse;
  }

  /** A subgraph's refusal as @apollo/gateway reports one: 401/403 keep their meaning. */
  private errorFromResponse(statusCode: number, text: string): GraphQLError {
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    const code =
      statusCode === 401 ? ErrorCode.UNAUTHENTICATED : statusCode === 403 ? ErrorCode.FORBIDDEN : undefined;
    return new GraphQLError(`${statusCode}: subgraph ${this.subgraph} refused the request`, {
      extensions: { ...(code ? { code } : {}), response: { url: this.url, status: statusCode, body } },
    });
  }
}
