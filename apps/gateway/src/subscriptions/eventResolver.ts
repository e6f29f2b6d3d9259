import { executeQueryPlan, type GraphQLDataSource } from '@apollo/gateway';
import type { Identity, IdentitySigner } from '@switchboard/core';
import type { ExecutionResult } from 'graphql';
import type { GatewayContext } from '../context.ts';
import type { PlannedSubscription, SubscriptionPlanner } from './planner.ts';

type RequestContext = Parameters<typeof executeQueryPlan>[2];

export interface EventResolverOptions {
  planner: SubscriptionPlanner;
  serviceMap: Record<string, GraphQLDataSource<GatewayContext>>;
  /** Mints the internal identity per subgraph (and caches it for half its lifetime). */
  signer: IdentitySigner;
  log?: (message: string, error?: unknown) => void;
}

export interface ResolveRequest {
  planned: PlannedSubscription;
  variables: Record<string, unknown>;
  identity: Identity;
  liveEvent: object;
  /**
   * Requests with the same event object and the same share key get one resolution between them.
   * Leave it undefined to resolve just for this caller.
   */
  shareKey?: string;
}

export interface EventResolver {
  resolve(request: ResolveRequest): Promise<ExecutionResult>;
  /** How many plan executions ran (for the benchmark and tests). */
  readonly executions: number;
}

/**
 * Turns one live event into a subscription payload by running the subscription's plan: the
 * primary fetch goes to the owning subgraph with the event attached; the rest fetches other
 * subgraphs' entity fields. The same event for the same selection is resolved once and shared by
 * every subscriber who asked for it (design.md, principle 4).
 */
export function createEventResolver(options: EventResolverOptions): EventResolver {
  const shared = new WeakMap<object, Map<string, Promise<ExecutionResult>>>();
  let executions = 0;

  async function execute(request: ResolveRequest): Promise<ExecutionResult> {
    executions += 1;
    const { planned, variables, identity, liveEvent } = request;
    const context: GatewayContext = {
      identity,
      internalToken: (audience) => options.signer.tokenFor(identity, audience),
      liveEvent,
    };
    const requestContext = {
      request: { variables, operationName: planned.operationContext.operation.name?.value },
      context,
      logger: {
        debug() {},
        info() {},
        warn: options.log ?? console.warn,
        error: options.log ?? console.error,
      },
      metrics: {},
      cache: undefined,
      overallCachePolicy: { restrict() {}, replace() {} },
    } as unknown as RequestContext;
    const result = await executeQueryPlan(
      planned.queryPlan,
      options.serviceMap,
      requestContext,
      planned.operationContext,
      options.planner.supergraphSchema,
      options.planner.apiSchema,
      undefined,
    );
    return result as ExecutionResult;
  }

  return {
    get executions() {
      return executions;
    },
    resolve(request) {
      if (request.shareKey === undefined) return execute(request);
      let byKey = shared.get(request.liveEvent);
      if (!byKey) {
        byKey = new Map();
        shared.set(request.liveEvent, byKey);
      }
      let result = byKey.get(request.shareKey);
      if (!result) {
        result = execute(request);
        byKey.set(request.shareKey, result);
      }
      return result;
    },
  };
}
