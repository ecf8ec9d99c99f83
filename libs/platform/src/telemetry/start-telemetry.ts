import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { NodeSDK, type NodeSDKConfiguration } from '@opentelemetry/sdk-node';
import { redactRequestSpan } from './redact-url-secrets';

export interface TelemetryOptions {
  /** `service.name` on every span. */
  serviceName: string;
  /** OTLP/HTTP collector base URL (e.g. http://127.0.0.1:4318). Unset: spans are not exported. */
  otlpEndpoint?: string;
}

export interface Telemetry {
  /** Flushes pending spans and stops the SDK; call last when the process stops. */
  shutdown(): Promise<void>;
}

type SpanProcessor = NonNullable<NodeSDKConfiguration['spanProcessors']>[number];

/**
 * Keeps a tracer provider registered when nothing is exported: spans still get real ids, so
 * `traceparent` flows HTTP → Kafka → consumer and log lines carry `traceId` even without a
 * collector. (With no processor at all the SDK would register no provider.)
 */
const discardSpans: SpanProcessor = {
  onStart: () => undefined,
  onEnd: () => undefined,
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

/**
 * Starts OpenTelemetry tracing with HTTP and KafkaJS instrumentation — and Express and pg
 * instrumentation when spans are exported.
 *
 * It must run before `@nestjs/*`, `express`, `kafkajs` or `pg` are first required, because the
 * instrumentations patch those modules as they load: call it first thing in `main.ts` and load
 * the rest of the service with a dynamic `import()` afterwards.
 *
 * The W3C trace-context (and baggage) propagator is always registered, whatever `OTEL_PROPAGATORS`
 * says. The OTLP/HTTP trace exporter is used only when `otlpEndpoint` is given; otherwise no
 * exporter at all (no console output). Metrics and OpenTelemetry logs are not exported: logs go
 * to standard output as JSON lines carrying trace ids.
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  const configuration: Partial<NodeSDKConfiguration> = {
    serviceName: options.serviceName,
    textMapPropagator: new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
    instrumentations: [
      new HttpInstrumentation({
        // Acknowledgement tokens live in the path: keep them out of span attributes.
        requestHook: (span, request) => {
          redactRequestSpan(span, 'url' in request ? request.url : undefined);
        },
      }),
      new KafkaJsInstrumentation(),
      // Express and pg spans are leaves: they carry no context anywhere. Without an exporter
      // nobody sees them, and a span per query was a visible share of a busy service's CPU.
      ...(options.otlpEndpoint
        ? [new ExpressInstrumentation(), new PgInstrumentation({ requireParentSpan: true })]
        : []),
    ],
    metricReaders: [],
    logRecordProcessors: [],
  };
  if (options.otlpEndpoint) {
    configuration.traceExporter = new OTLPTraceExporter({ url: tracesUrl(options.otlpEndpoint) });
  } else {
    configuration.spanProcessors = [discardSpans];
  }
  const sdk = new NodeSDK(configuration);
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}

/** OTEL_EXPORTER_OTLP_ENDPOINT is a base URL; the traces signal lives under /v1/traces. */
function tracesUrl(endpoint: string): string {
  const base = endpoint.replace(/\/+$/, '');
  return base.endsWith('/v1/traces') ? base : `${base}/v1/traces`;
}
