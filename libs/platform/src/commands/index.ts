export * from './request-rejected';
export * from './idempotency-key';
export * from './stored-response';
export * from './idempotency-records';
export * from './idempotent-transaction';
export * from './command-http';
