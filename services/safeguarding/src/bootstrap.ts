import 'reflect-metadata';
import { createHttpApp, type Logger, runService } from '@harbour/platform';
import type { Telemetry } from '@harbour/platform/telemetry';
import type { INestApplication } from '@nestjs/common';
import { SafeguardingModule } from './app.module';
import { loadSafeguardingConfig, type SafeguardingConfig } from './config';
import { openSafeguardingRuntime } from './safeguarding-runtime';

export async function createSafeguardingApp(
  config: SafeguardingConfig,
  logger?: Logger,
): Promise<INestApplication> {
  const runtime = await openSafeguardingRuntime(config, logger);
  return createHttpApp(SafeguardingModule.register(runtime), runtime.logger);
}

export async function bootstrap(): Promise<INestApplication> {
  const config = loadSafeguardingConfig();
  const app = await createSafeguardingApp(config);
  await app.listen(config.PORT, config.HOST);
  return app;
}

/** The process entry point (after telemetry started): clear errors, graceful stop. */
export function main(telemetry: Telemetry): void {
  runService('safeguarding', telemetry, bootstrap);
}
