import { type DynamicModule, Module } from '@nestjs/common';
import { HEALTH_SERVICE_NAME, HealthController, READINESS_CHECKS } from './health.controller';
import type { ReadinessCheck } from './readiness-check';

export interface HealthModuleOptions {
  /** Reported by `GET /health`; default `harbour`. */
  service?: string;
}

/**
 * Liveness and readiness endpoints. `PlatformModule.forRoot` already imports it; import it
 * directly only in an app that does not use `PlatformModule`.
 */
@Module({})
export class HealthModule {
  static forRoot(checks: ReadinessCheck[], options: HealthModuleOptions = {}): DynamicModule {
    return {
      module: HealthModule,
      controllers: [HealthController],
      providers: [
        { provide: READINESS_CHECKS, useValue: checks },
        { provide: HEALTH_SERVICE_NAME, useValue: options.service ?? 'harbour' },
      ],
    };
  }
}
