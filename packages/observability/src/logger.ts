import { isSpanContextValid, trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type LevelWithSilent, type Logger } from 'pino';

export type { Logger };
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface LoggerOptions {
  level?: LevelWithSilent;
  /** Where JSON lines go (default stdout); tests pass a stream to read them. */
  destination?: DestinationStream;
}

/**
 * One JSON object per line: `level` as a word, ISO `time`, `msg`, and the active span's
 * `trace_id`/`span_id` whenever a request is being traced.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin() {
        const spanContext = trace.getActiveSpan()?.spanContext();
        return spanContext && isSpanContextValid(spanContext)
          ? { trace_id: spanContext.traceId, span_id: spanContext.spanId }
          : {};
      },
    },
    options.destination,
  );
}

let processLogger: Logger | undefined;

/** The logger that servers built without one use; a process's `index.ts` sets it from LOG_LEVEL. */
export function setDefaultLogger(logger: Logger): void {
  processLogger = logger;
}

export function defaultLogger(): Logger {
  return (processLogger ??= createLogger());
}

/** Adapts a logger to the `log(message, error?)` callbacks the servers and consumers take. */
export function logFunction(logger: Logger): (message: string, error?: unknown) => void {
  return (message, error) => {
    if (error === undefined || error === '') logger.error(message);
    else logger.error({ err: error }, message);
  };
}

/**
 * The `log(message, error?)` of a part of this process that was given none: the process's logger
 * with `bindings` (e.g. `{ component: 'outbox-relay' }`) on each line.
 */
export function defaultLog(
  bindings: Record<string, unknown> = {},
): (message: string, error?: unknown) => void {
  return logFunction(defaultLogger().child(bindings));
}
