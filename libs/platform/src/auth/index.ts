export * from './auth-decorators';
export * from './authenticated-request';
export * from './api-key.guard';
