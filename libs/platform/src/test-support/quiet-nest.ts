import type { NestApplicationOptions } from '@nestjs/common';

/**
 * Options for apps built in this library's tests: Nest's start-up lines are buffered until
 * `configureHttpApp` installs the Harbour logger, which the tests point at a captured stream.
 */
export function quietNest(): NestApplicationOptions {
  // Nest declares its options as a class but only ever reads plain fields from them.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
  const options: NestApplicationOptions = { bufferLogs: true };
  return options;
}
