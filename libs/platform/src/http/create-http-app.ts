import type { DynamicModule, INestApplication, NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Logger } from '../logging';
import { configureHttpApp } from './configure-http-app';

/**
 * Creates a service's Nest app (not yet listening) the same way everywhere: Nest's start-up
 * lines wait for the Harbour logger, then body limits, security headers and shutdown hooks.
 */
export async function createHttpApp(
  module: DynamicModule,
  logger: Logger,
): Promise<INestApplication> {
  // Nest declares its options as a class but only ever reads plain fields from them.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
  const options: NestApplicationOptions = { bufferLogs: true };
  const app = await NestFactory.create(module, options);
  configureHttpApp(app, { logger });
  return app;
}
