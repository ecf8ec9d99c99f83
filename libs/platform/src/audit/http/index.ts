export * from './audit-controller';
export * from './audit-query';
export * from './audit-view';
