import { PassThrough } from 'node:stream';
import { propagation, context as otelContext, trace } from '@opentelemetry/api';
import { createLogger } from '../logging/create-logger';
import { currentTraceparent } from './current-traceparent';
import { startTelemetry, type Telemetry } from './start-telemetry';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/;

describe('startTelemetry without an exporter', () => {
  let telemetry: Telemetry;

  beforeAll(() => {
    telemetry = startTelemetry({ serviceName: 'harbour-test' });
  });

  afterAll(async () => {
    await telemetry.shutdown();
  });

  it('gives spans real ids and continues an incoming traceparent', () => {
    const incoming = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const parent = propagation.extract(otelContext.active(), { traceparent: incoming });
    const tracer = trace.getTracer('test');

    const outgoing = otelContext.with(parent, () =>
      tracer.startActiveSpan('handle request', (span) => {
        const carrier: Record<string, string> = {};
        propagation.inject(otelContext.active(), carrier);
        span.end();
        return { injected: carrier['traceparent'], current: currentTraceparent() };
      }),
    );

    // Same trace, new span: that is what lets a consumer's work join the producer's trace.
    expect(outgoing.injected).toMatch(TRACEPARENT);
    expect(outgoing.injected).toContain('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(outgoing.injected).not.toContain('00f067aa0ba902b7');
    expect(outgoing.current).toBe(outgoing.injected);
  });

  it('has no traceparent outside a span', () => {
    expect(currentTraceparent()).toBeUndefined();
  });

  it('puts traceId and spanId on log lines written inside a span', () => {
    const stream = new PassThrough();
    const chunks: string[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
    const logger = createLogger({ service: 'test', destination: stream });

    const ids = trace.getTracer('test').startActiveSpan('work', (span) => {
      logger.info('inside a span');
      span.end();
      return span.spanContext();
    });
    logger.info('outside any span');

    const [inside, outside] = chunks
      .join('')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(inside).toMatchObject({ traceId: ids.traceId, spanId: ids.spanId });
    expect(outside).not.toHaveProperty('traceId');
  });
});
