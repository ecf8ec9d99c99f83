import 'reflect-metadata';
import { join } from 'node:path';
import type { INestApplication, NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { configureHttpApp, type Logger, runService } from '@harbour/platform';
import type { Telemetry } from '@harbour/platform/telemetry';
import { loadConsoleConfig, type ConsoleConfig } from './config';
import { ConsoleModule } from './console.module';
import { openConsoleRuntime } from './console-runtime';
import { apiProxy } from './proxy/api-proxy';
import { webApp } from './web-app/web-app';

/** Where `npm run build` puts the web app: dist/services/console/web beside dist/.../src. */
export const DEFAULT_WEB_DIR = join(__dirname, '..', 'web');

/** The console, not yet listening: sign-in, the API proxy and the web app. */
export async function createConsoleApp(
  config: ConsoleConfig,
  options: { logger?: Logger; identitySchema?: string } = {},
): Promise<INestApplication> {
  const runtime = await openConsoleRuntime(config, options.logger, {
    ...(options.identitySchema === undefined ? {} : { identitySchema: options.identitySchema }),
  });
  try {
    const web = webApp(config.CONSOLE_WEB_DIR ?? DEFAULT_WEB_DIR);
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
    const appOptions: NestApplicationOptions = { bufferLogs: true };
    const app = await NestFactory.create(ConsoleModule.register(runtime), appOptions);
    // The sign-in page's button is a form post; everything else is JSON.
    configureHttpApp(app, { logger: runtime.logger, formPaths: ['/auth/callback'] });
    const express = app as NestExpressApplication;
    express.use(
      '/api',
      apiProxy({
        services: {
          intake: config.INTAKE_URL,
          safeguarding: config.SAFEGUARDING_URL,
          accommodation: config.ACCOMMODATION_URL,
          notification: config.NOTIFICATION_URL,
        },
        cookie: runtime.cookie,
        logger: runtime.logger,
      }),
    );
    express.use(web);
    return app;
  } catch (error) {
    await runtime.close();
    throw error;
  }
}

export async function bootstrap(): Promise<INestApplication> {
  const config = loadConsoleConfig();
  const app = await createConsoleApp(config);
  await app.listen(config.PORT, config.HOST);
  return app;
}

export function main(telemetry: Telemetry): void {
  runService('console', telemetry, bootstrap);
}
