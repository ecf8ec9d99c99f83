import 'reflect-metadata';
import { createHttpApp, type Logger, runService } from '@harbour/platform';
import type { Telemetry } from '@harbour/platform/telemetry';
import type { INestApplication } from '@nestjs/common';
import { AccommodationModule } from './app.module';
import { loadAccommodationConfig, type AccommodationConfig } from './config';
import { openAccommodationRuntime } from './accommodation-runtime';

export async function createAccommodationApp(
  config: AccommodationConfig,
  logger?: Logger,
): Promise<INestApplication> {
  const runtime = await openAccommodationRuntime(config, logger);
  return createHttpApp(AccommodationModule.register(runtime), runtime.logger);
}

export async function bootstrap(): Promise<INestApplication> {
  const config = loadAccommodationConfig();
  const app = await createAccommodationApp(config);
  await app.listen(config.PORT, config.HOST);
  return app;
}

/** The process entry point (after telemetry started): clear errors, graceful stop. */
export function main(telemetry: Telemetry): void {
  runService('accommodation', telemetry, bootstrap);
}
