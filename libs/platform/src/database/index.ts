export * from './run-migrations-locked';
export * from './schema-of';
export * from './sql-identifier';
export * from './service-database';
export * from './query-rows';
export * from './prepared-statements';
