export * from './logger';
export * from './create-logger';
export * from './redact-personal-data';
export * from './harbour-nest-logger';
