export * from './canonical-json';
export * from './audit-entry';
export * from './audit-hash';
export * from './audit-log-tables';
export * from './audit-log';
export * from './within-transaction';
export * from './http';
export * from './personal-data-reads';
