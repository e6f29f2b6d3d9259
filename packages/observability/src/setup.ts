import { trace, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { pino } from 'pino';
import { z } from 'zod';
import { LOG_LEVELS, createLogger, defaultLogger, setDefaultLogger, type Logger } from './logger.ts';
import { createMetricsRegistry, type Registry } from './metrics.ts';
import { createTracerProvider, registerTracing } from './tracing.ts';

/** What a server takes from its config; each part defaults as `serverObservability` says. */
export interface Observability {
  logger: Logger;
  metrics: Registry;
  tracerProvider: TracerProvider;
}

/** Environment variables every process reads (spread into each app's `env.ts`). */
export const observabilityEnv = {
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  /** OTLP/HTTP collector, e.g. http://otel-collector:4318; no tracing without it. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
};

/**
 * Default `/metrics` port of each process: each has one of its own (README, "Metrics"), never a
 * port that serves anything else, so the scraper's route is never a client's.
 */
export const DEFAULT_METRICS_PORTS = {
  gateway: 9460,
  users: 9461,
  chats: 9462,
  media: 9463,
  worker: 9464,
  presence: 9465,
  calls: 9466,
} as const;

/** `METRICS_PORT` of a process, defaulting to its entry in DEFAULT_METRICS_PORTS. */
export const metricsPortEnv = (service: keyof typeof DEFAULT_METRICS_PORTS) => ({
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(DEFAULT_METRICS_PORTS[service]),
});

export type ObservabilityEnv = z.infer<z.ZodObject<typeof observabilityEnv>>;

/**
 * For a process's `index.ts`: the process's logger (also the default for servers built without
 * one) and, when an OTLP endpoint is set, a registered tracer provider that exports to it.
 */
export function setupObservability(service: string, env: ObservabilityEnv) {
  // Lines are written 4 KiB at a time instead of one write(2) per line (a request log line per
  // operation was a tenth of a busy gateway's CPU); `shutdown` flushes what is buffered.
  const destination = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  const logger = createLogger({ level: env.LOG_LEVEL, destination });
  setDefaultLogger(logger);
  // A process that exits on its own (not by `shutdown`) still writes what is buffered.
  process.once('exit', () => flush(destination));
  const provider = env.OTEL_EXPORTER_OTLP_ENDPOINT
    ? createTracerProvider({ serviceName: service, otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT })
    : undefined;
  if (provider) registerTracing(provider);
  return {
    logger,
    tracerProvider: provider ?? trace.getTracerProvider(),
    /** Exports the spans still buffered. */
    shutdown: async () => {
      await provider?.shutdown();
      flush(destination);
    },
  };
}

/**
 * What one server uses: its own logger child (`service` field), its own metrics registry unless
 * given one, and a tracer from its provider (the process's global one unless given).
 */
export function serverObservability(
  service: string,
  given: Partial<Observability> = {},
): { logger: Logger; metrics: Registry; tracer: Tracer } {
  return {
    logger: (given.logger ?? defaultLogger()).child({ service }),
    metrics: given.metrics ?? createMetricsRegistry({ service }),
    tracer: (given.tracerProvider ?? trace.getTracerProvider()).getTracer(`@switchboard/${service}`),
  };
}

/** Writes what the destination buffers; a write in progress finishes on its own. */
function flush(destination: { flushSync(): void }): void {
  try {
    destination.flushSync();
  } catch {
    // not open yet, or a write in flight: nothing more can be done synchronously
  }
}
