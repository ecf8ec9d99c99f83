import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { configureHttpApp, type Logger } from '@harbour/platform';
import type { INestApplication } from '@nestjs/common';
import { AccommodationModule } from './app.module';
import { loadAccommodationConfig, type AccommodationConfig } from './config';
import { openAccommodationRuntime } from './accommodation-runtime';

export async function createAccommodationApp(
  config: AccommodationConfig,
  logger?: Logger,
): Promise<INestApplication> {
  const runtime = await openAccommodationRuntime(config, logger);
  const app = await NestFactory.create(AccommodationModule.register(runtime), { bufferLogs: true });
  configureHttpApp(app, { logger: runtime.logger });
  return app;
}

export async function bootstrap(): Promise<INestApplication> {
  const config = loadAccommodationConfig();
  const app = await createAccommodationApp(config);
  await app.listen(config.PORT, config.HOST);
  return app;
}
