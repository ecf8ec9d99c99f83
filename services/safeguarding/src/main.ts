import { runService, startTelemetry } from '@harbour/platform';

// Telemetry first: OpenTelemetry must patch http, express, pg and kafkajs before they load.
const telemetry = startTelemetry({
  serviceName: process.env.OTEL_SERVICE_NAME ?? 'harbour-safeguarding',
  otlpEndpoint: process.env.OTEL_EXPORTER_OTLP_ENDPOINT,
});

runService('safeguarding', telemetry, () => import('./bootstrap').then((m) => m.bootstrap()));
