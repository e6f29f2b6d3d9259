import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { graphqlMetrics } from './metrics.ts';

/**
 * Apollo Server plugin: counts and times every operation by type, logs one line per operation,
 * and names the operation on the active (HTTP server) span.
 */
export function observabilityPlugin<TContext extends BaseContext>(options: {
  registry: Registry;
  logger: Logger;
}): ApolloServerPlugin<TContext> {
  const metrics = graphqlMetrics(options.registry);
  const { logger } = options;
  return {
    async requestDidStart() {
      const started = performance.now();
      let operationType = 'unknown';
      return {
        async didResolveOperation({ operation, operationName }) {
          operationType = operation?.operation ?? 'unknown';
          trace.getActiveSpan()?.setAttributes({
            'graphql.operation.type': operationType,
            ...(operationName ? { 'graphql.operation.name': operationName } : {}),
          });
        },
        async willSendResponse({ response, operationName }) {
          const ms = performance.now() - started;
          const body = response.body;
          const errors = body.kind === 'single' ? body.singleResult.errors : body.initialResult.errors;
          const code = errors?.length ? String(errors[0]!.extensions?.['code'] ?? 'UNKNOWN') : undefined;
          metrics.observe(operationType, ms / 1000, code);
          if (code) trace.getActiveSpan()?.setStatus({ code: SpanStatusCode.ERROR, message: code });
          if (!logger.isLevelEnabled('info')) return;
          logger.info(
            {
              operation: operationName ?? undefined,
              operation_type: operationType,
              duration_ms: Math.round(ms * 100) / 100,
              ...(code ? { error_code: code, errors: errors!.length } : {}),
            },
            'graphql operation',
          );
        },
      };
    },
  };
}
