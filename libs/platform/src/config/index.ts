export * from './config-spec';
export * from './config-error';
export * from './load-config';
export * from './config-fragments';
