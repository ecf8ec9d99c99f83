import 'reflect-metadata';
import { createHttpApp, type Logger, runService } from '@harbour/platform';
import type { Telemetry } from '@harbour/platform/telemetry';
import type { INestApplication } from '@nestjs/common';
import { IntakeModule } from './app.module';
import { type IntakeConfig, loadIntakeConfig } from './config';
import { openIntakeRuntime } from './intake-runtime';

/** Builds the intake app (not listening): used by main and by the integration tests. */
export async function createIntakeApp(
  config: IntakeConfig,
  logger?: Logger,
): Promise<INestApplication> {
  const runtime = await openIntakeRuntime(config, logger);
  return createHttpApp(IntakeModule.register(runtime), runtime.logger);
}

export async function bootstrap(): Promise<INestApplication> {
  const config = loadIntakeConfig();
  const app = await createIntakeApp(config);
  await app.listen(config.PORT, config.HOST);
  return app;
}

/** The process entry point (after telemetry started): clear errors, graceful stop. */
export function main(telemetry: Telemetry): void {
  runService('intake', telemetry, bootstrap);
}
