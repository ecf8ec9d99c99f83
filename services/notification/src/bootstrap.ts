import 'reflect-metadata';
import type { INestApplication, NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { configureHttpApp, type Logger, runService } from '@harbour/platform';
import type { Telemetry } from '@harbour/platform/telemetry';
import { NotificationModule } from './app.module';
import { loadNotificationConfig, type NotificationConfig } from './config';
import { openNotificationRuntime } from './notification-runtime';

/** The notification app, not yet listening. Closing it (or SIGTERM) closes the runtime too. */
export async function createNotificationApp(
  config: NotificationConfig,
  logger?: Logger,
): Promise<INestApplication> {
  const runtime = await openNotificationRuntime(config, logger);
  try {
    // Nest's own start-up lines wait for the Harbour logger that configureHttpApp installs.
    // Nest declares its options as a class but only ever reads plain fields from them.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
    const options: NestApplicationOptions = { bufferLogs: true };
    const app = await NestFactory.create(NotificationModule.register(runtime), options);
    configureHttpApp(app, { logger: runtime.logger });
    return app;
  } catch (error) {
    await runtime.close();
    throw error;
  }
}

export async function bootstrap(): Promise<INestApplication> {
  const config = loadNotificationConfig();
  const app = await createNotificationApp(config);
  await app.listen(config.PORT, config.HOST);
  return app;
}

/** The process entry point (after telemetry started): clear errors, graceful stop. */
export function main(telemetry: Telemetry): void {
  runService('notification', telemetry, bootstrap);
}
