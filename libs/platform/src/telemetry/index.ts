export * from './start-telemetry';
export * from './current-traceparent';
export * from './redact-url-secrets';
