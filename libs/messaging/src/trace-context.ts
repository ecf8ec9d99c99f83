import { type Context, context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';

/**
 * The active trace context as W3C headers (`traceparent`, `tracestate`), to be stored with an
 * outbox row: the relay publishes later, outside the request's async context.
 */
export function captureTraceHeaders(from: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(from, carrier);
  const result: Record<string, string> = {};
  for (const name of ['traceparent', 'tracestate']) {
    const value = carrier[name];
    if (value) result[name] = value;
  }
  return result;
}

/** The trace context a message carries, to parent the consumer's span. */
export function extractTraceContext(headers: Record<string, string>): Context {
  return propagation.extract(ROOT_CONTEXT, headers);
}
