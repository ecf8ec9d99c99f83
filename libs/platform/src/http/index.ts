export * from './platform.module';
export * from './configure-http-app';
export * from './security-headers';
export * from './run-service';
export * from './create-http-app';
export * from './body-guards';
