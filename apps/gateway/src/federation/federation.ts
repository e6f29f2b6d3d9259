import { operationFromDocument, type Schema } from '@apollo/federation-internals';
import {
  buildOperationContext,
  executeQueryPlan,
  type GraphQLDataSource,
  type ServiceMap,
} from '@apollo/gateway';
import type { QueryPlan } from '@apollo/query-planner';
import type {
  GatewayExecutor,
  GatewayGraphQLRequestContext,
  GatewayInterface,
} from '@apollo/server-gateway-interface';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { DocumentNode, ExecutionResult } from 'graphql';
import { getVariableValues } from 'graphql/execution/values.js';
import { LRUCache } from 'lru-cache';
import type { GatewayContext } from '../context.ts';
import type { LoadedSupergraph } from './supergraph.ts';

type OperationContext = ReturnType<typeof buildOperationContext>;

/** An operation planned once: runnable by `execute` as often as needed. */
export interface OperationPlan {
  queryPlan: QueryPlan;
  operationContext: OperationContext;
  /** The schema it was planned against (the API schema, or the internal one). */
  schema: Schema;
}

/** What `execute` needs besides the plan: who asks (context) and the operation's variables. */
export interface ExecutionRequest {
  context: GatewayContext;
  variables?: Record<string, unknown>;
  /** The client request being served, when there is one (its logger and cache policy). */
  requestContext?: GatewayGraphQLRequestContext<GatewayContext>;
}

const tracer = trace.getTracer('@switchboard/gateway');
const quietLogger = (log: (message: string, error?: unknown) => void) => ({
  debug() {},
  info() {},
  warn: (message: unknown) => log(String(message)),
  error: (message: unknown) => log(String(message)),
});

/**
 * The gateway's federation engine: the supergraph's query planner with a plan cache, and
 * @apollo/gateway's `executeQueryPlan` over one data source per subgraph. It serves Apollo
 * Server as its `gateway` (client queries and mutations over HTTP), and the subscription
 * executor and the gateway's internal operations (access checks, replays) through the same
 * data sources: one path to each subgraph.
 */
export function createFederation(options: {
  supergraph: LoadedSupergraph;
  serviceMap: Record<string, GraphQLDataSource<GatewayContext>>;
  log: (message: string, error?: unknown) => void;
  planCacheSize?: number;
}) {
  const { supergraph } = options;
  const serviceMap = options.serviceMap as ServiceMap;
  const plans = new LRUCache<string, OperationPlan>({ max: options.planCacheSize ?? 2000 });
  const logger = quietLogger(options.log);

  /**
   * Plans `document` once per `key`. `internal`: against every field, @inaccessible ones included
   * (only the gateway's own operations; clients are validated against the API schema first).
   */
  function plan(
    key: string,
    documentOrParse: DocumentNode | (() => DocumentNode),
    operationName?: string | null,
    internal = false,
  ): OperationPlan {
    const cacheKey = `${internal ? 'i' : 'c'}:${key}`;
    const cached = plans.get(cacheKey);
    if (cached) return cached;
    const document = typeof documentOrParse === 'function' ? documentOrParse() : documentOrParse;
    const schema = internal ? supergraph.internalSchema : supergraph.apiSchema;
    const operationContext = buildOperationContext({
      schema: supergraph.schema,
      operationDocument: document,
      ...(operationName ? { operationName } : {}),
    });
    const operation = operationFromDocument(schema, document, operationName ? { operationName } : {});
    const planned = { queryPlan: supergraph.planner.buildQueryPlan(operation), operationContext, schema };
    plans.set(cacheKey, planned);
    return planned;
  }

  async function execute(planned: OperationPlan, request: ExecutionRequest): Promise<ExecutionResult> {
    const variables = request.variables ?? {};
    const requestContext =
      request.requestContext ??
      ({
        request: { variables, operationName: planned.operationContext.operation.name?.value },
        context: request.context,
        logger,
        metrics: {},
        cache: undefined,
        overallCachePolicy: { restrict() {}, replace() {} },
      } as unknown as GatewayGraphQLRequestContext<GatewayContext>);
    return (await executeQueryPlan(
      planned.queryPlan,
      serviceMap,
      requestContext as Parameters<typeof executeQueryPlan>[2],
      planned.operationContext,
      supergraph.supergraphSchema,
      planned.schema,
    )) as ExecutionResult;
  }

  /** Apollo Server's executor: the plan of each distinct document, then executeQueryPlan. */
  const executor: GatewayExecutor = (requestContext) =>
    tracer.startActiveSpan('gateway.request', async (span) => {
      try {
        const { request, document, queryHash } = requestContext;
        const planned = plan(`${queryHash}\n${request.operationName ?? ''}`, document, request.operationName);
        const variableDefinitions = planned.operationContext.operation.variableDefinitions ?? [];
        const coerced = getVariableValues(supergraph.schema, variableDefinitions, request.variables ?? {});
        if (coerced.errors) return { errors: coerced.errors };
        const result = await execute(planned, {
          context: requestContext.context as GatewayContext,
          variables: request.variables ?? {},
          requestContext: requestContext as GatewayGraphQLRequestContext<GatewayContext>,
        });
        if (result.errors?.length) span.setStatus({ code: SpanStatusCode.ERROR });
        return result;
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw error;
      } finally {
        span.end();
      }
    });

  /** What Apollo Server takes as its `gateway`: the schema once, and the executor. */
  const gateway: GatewayInterface = {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: supergraph.schema, coreSupergraphSdl: supergraph.sdl });
      return () => {};
    },
    async load() {
      return { executor };
    },
    async stop() {},
  };

  return { gateway, plan, execute, supergraph };
}

export type Federation = ReturnType<typeof createFederation>;
