export * from './expect-eventually';
export * from './infra';
export * from './smtp-inbox';
export * from './test-schema';
export * from './free-port';
export * from './maildev-process';
export * from './hostile';
export * from './kafka-group';
