export * from './auth-decorators';
export * from './authenticated-request';
export * from './api-key.guard';
export * from './api-rate-limit';
export * from './authorization-matrix';
export * from './authorization-table';
export * from './authorize.decorator';
export * from './route-authorization';
