import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { configureHttpApp, type Logger } from '@harbour/platform';
import type { INestApplication } from '@nestjs/common';
import { IntakeModule } from './app.module';
import { type IntakeConfig, loadIntakeConfig } from './config';
import { openIntakeRuntime } from './intake-runtime';

/** Builds the intake app (not listening): used by main and by the integration tests. */
export async function createIntakeApp(config: IntakeConfig, logger?: Logger): Promise<INestApplication> {
  const runtime = await openIntakeRuntime(config, logger);
  const app = await NestFactory.create(IntakeModule.register(runtime), { bufferLogs: true });
  configureHttpApp(app, { logger: runtime.logger });
  return app;
}

export async function bootstrap(): Promise<INestApplication> {
  const config = loadIntakeConfig();
  const app = await createIntakeApp(config);
  await app.listen(config.PORT, config.HOST);
  return app;
}
