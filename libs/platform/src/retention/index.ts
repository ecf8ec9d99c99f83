export * from './retention-rule';
export * from './retention-config';
export * from './retention-purge';
export * from './messaging-retention';
export * from './retention-migrations';
