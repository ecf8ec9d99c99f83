import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import {
  defaultResource,
  detectResources,
  hostDetector,
  osDetector,
  processDetector,
  resourceAttributesEnvDetector,
  resourceFromAttributes,
  serviceInstanceIdDetector,
} from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { redactRequestSpan } from './redact-url-secrets';

export interface TelemetryOptions {
  /** `service.name` on every span. */
  serviceName: string;
  /** OTLP/HTTP collector base URL (e.g. http://127.0.0.1:4318). Unset: spans are not exported. */
  otlpEndpoint?: string;
}

export interface Telemetry {
  /** Flushes pending spans and stops tracing; call last when the process stops. */
  shutdown(): Promise<void>;
}

/**
 * Keeps spans real when nothing is exported: they still get real ids, so `traceparent` flows
 * HTTP → Kafka → consumer and log lines carry `traceId` even without a collector.
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
 * Tracing only, wired from its parts (context manager, W3C trace-context and baggage propagator,
 * tracer provider, instrumentations) rather than through `@opentelemetry/sdk-node`, which loads
 * the metrics and logs SDKs and every exporter whether used or not — about 24 MB of resident
 * memory a process. The resource is what the SDK would detect: service name, instance id,
 * process, host, OS and `OTEL_RESOURCE_ATTRIBUTES`. The OTLP/HTTP trace exporter is used only
 * when `otlpEndpoint` is given; otherwise nothing is exported (no console output). Metrics and
 * OpenTelemetry logs are not exported: logs go to standard output as JSON lines carrying trace ids.
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(
    new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
  );
  const resource = defaultResource()
    .merge(
      detectResources({
        detectors: [
          serviceInstanceIdDetector,
          processDetector,
          hostDetector,
          osDetector,
          resourceAttributesEnvDetector,
        ],
      }),
    )
    .merge(resourceFromAttributes({ 'service.name': options.serviceName }));
  const provider = new TracerProvider({
    resource,
    spanProcessors: [
      options.otlpEndpoint
        ? new BatchSpanProcessor({
            exporter: new OTLPTraceExporter({ url: tracesUrl(options.otlpEndpoint) }),
          })
        : discardSpans,
    ],
  });
  trace.setGlobalTracerProvider(provider);
  const unregister = registerInstrumentations({
    tracerProvider: provider,
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
  });
  return {
    async shutdown() {
      unregister();
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}

/** OTEL_EXPORTER_OTLP_ENDPOINT is a base URL; the traces signal lives under /v1/traces. */
function tracesUrl(endpoint: string): string {
  const base = endpoint.replace(/\/+$/, '');
  return base.endsWith('/v1/traces') ? base : `${base}/v1/traces`;
}
