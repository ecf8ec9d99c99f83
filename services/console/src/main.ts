import { startTelemetry } from '@harbour/platform/telemetry';

// Telemetry first: OpenTelemetry must patch http, express and pg before they load, so
// everything else is loaded afterwards, dynamically.
const telemetry = startTelemetry({
  serviceName: process.env.OTEL_SERVICE_NAME ?? 'harbour-console',
  otlpEndpoint: process.env.OTEL_EXPORTER_OTLP_ENDPOINT,
});

void import('./bootstrap.js').then((m) => {
  m.main(telemetry);
});
