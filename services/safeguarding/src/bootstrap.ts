import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { configureHttpApp, type Logger } from '@harbour/platform';
import type { INestApplication } from '@nestjs/common';
import { SafeguardingModule } from './app.module';
import { loadSafeguardingConfig, type SafeguardingConfig } from './config';
import { openSafeguardingRuntime } from './safeguarding-runtime';

export async function createSafeguardingApp(
  config: SafeguardingConfig,
  logger?: Logger,
): Promise<INestApplication> {
  const runtime = await openSafeguardingRuntime(config, logger);
  const app = await NestFactory.create(SafeguardingModule.register(runtime), { bufferLogs: true });
  configureHttpApp(app, { logger: runtime.logger });
  return app;
}

export async function bootstrap(): Promise<INestApplication> {
  const config = loadSafeguardingConfig();
  const app = await createSafeguardingApp(config);
  await app.listen(config.PORT, config.HOST);
  return app;
}
