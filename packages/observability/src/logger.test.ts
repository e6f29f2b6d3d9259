import { describe, expect, it } from 'vitest';
import { createLogger, defaultLog, defaultLogger, setDefaultLogger } from './logger.ts';
import { InMemorySpanExporter, createTracerProvider, registerTracing } from './tracing.ts';

describe('logger', () => {
  it("writes JSON lines carrying the active span's trace and span ids", async () => {
    const lines: string[] = [];
    const logger = createLogger({ destination: { write: (line) => void lines.push(line) } });
    const provider = createTracerProvider({ serviceName: 'test', exporter: new InMemorySpanExporter() });
    const tracing = registerTracing(provider);
    try {
      logger.info('outside');
      const ids = provider.getTracer('test').startActiveSpan('work', (span) => {
        logger.warn({ detail: 1 }, 'inside');
        span.end();
        return span.spanContext();
      });
      const [outside, inside] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(outside).toMatchObject({ level: 'info', msg: 'outside' });
      expect(outside).not.toHaveProperty('trace_id');
      expect(inside).toMatchObject({
        level: 'warn',
        msg: 'inside',
        detail: 1,
        trace_id: ids.traceId,
        span_id: ids.spanId,
      });
      expect(Date.parse(inside!['time'] as string)).not.toBeNaN();
    } finally {
      await tracing.unregister();
    }
  });

  it('writes nothing below its level', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', destination: { write: (line) => void lines.push(line) } });
    logger.info('quiet');
    logger.error('loud');
    expect(lines).toHaveLength(1);
  });

  it("logs the parts of a process that were given no log to the process's logger, with their bindings", () => {
    const previous = defaultLogger();
    const lines: string[] = [];
    setDefaultLogger(createLogger({ destination: { write: (line) => void lines.push(line) } }));
    try {
      defaultLog({ component: 'outbox-relay', schema: 'chats' })('relay failed; retrying', new Error('down'));
    } finally {
      setDefaultLogger(previous);
    }
    expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      expect.objectContaining({
        level: 'error',
        component: 'outbox-relay',
        schema: 'chats',
        msg: 'relay failed; retrying',
        err: expect.objectContaining({ message: 'down' }),
      }),
    ]);
  });
});
