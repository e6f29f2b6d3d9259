import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import {
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
  type Attributes,
  type TextMapGetter,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

export { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';

export interface TracingOptions {
  /** The `service.name` resource attribute of every span the provider records. */
  serviceName: string;
  /** OTLP/HTTP collector base URL (OTEL_EXPORTER_OTLP_ENDPOINT): spans are batched to `<url>/v1/traces`. */
  otlpEndpoint?: string;
  /** Another exporter, fed span by span as spans end (tests pass an InMemorySpanExporter). */
  exporter?: SpanExporter;
}

/** W3C `traceparent`/`tracestate`, used explicitly so no process-global propagator is needed. */
export const traceContext = new W3CTraceContextPropagator();

export function createTracerProvider(options: TracingOptions): NodeTracerProvider {
  const spanProcessors: SpanProcessor[] = [];
  if (options.otlpEndpoint) {
    const url = `${options.otlpEndpoint.replace(/\/+$/, '')}/v1/traces`;
    spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url })));
  }
  if (options.exporter) spanProcessors.push(new SimpleSpanProcessor(options.exporter));
  return new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    spanProcessors,
  });
}

/**
 * Makes `provider` the process's tracer provider and installs the AsyncLocalStorage context
 * manager. Both are process-wide by nature: @apollo/gateway creates its spans through the global
 * API, and the active span must follow `await`s whichever provider made it.
 */
export function registerTracing(provider: NodeTracerProvider): { unregister(): Promise<void> } {
  provider.register({ propagator: traceContext });
  return {
    async unregister() {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

const headerGetter: TextMapGetter<IncomingHttpHeaders> = {
  keys: (headers) => Object.keys(headers),
  get: (headers, key) => headers[key],
};

/** Writes the active span's `traceparent` (and `tracestate`) into outgoing request headers. */
export function injectTraceContext(headers: { set(name: string, value: string): void }): void {
  traceContext.inject(context.active(), headers, {
    set: (carrier, key, value) => carrier.set(key, value),
  });
}

/**
 * Express/connect middleware: one SERVER span per request, child of the caller's `traceparent`
 * when it sent one, and active for everything that handles the request. The request and
 * response emitters are bound to the span's context because body parsers read them from
 * callbacks that would otherwise run outside it.
 */
export function traceRequests(tracer: Tracer, route: string, attributes: Attributes = {}) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const parent = traceContext.extract(context.active(), req.headers, headerGetter);
    const span = tracer.startSpan(
      `${req.method ?? 'GET'} ${route}`,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': req.method ?? 'GET', 'http.route': route, ...attributes },
      },
      parent,
    );
    const active = trace.setSpan(parent, span);
    context.bind(active, req);
    context.bind(active, res);
    res.once('close', () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500 || !res.writableFinished) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(active, next);
  };
}
