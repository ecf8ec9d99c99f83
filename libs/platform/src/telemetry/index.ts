export * from './start-telemetry';
export * from './current-traceparent';
