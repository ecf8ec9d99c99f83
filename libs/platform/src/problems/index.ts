export * from './problem-types';
export * from './problem-exceptions';
export * from './problem-details.filter';
