import { type DynamicModule, Module } from '@nestjs/common';
import { apiRateLimitOf, PlatformModule } from '@harbour/platform';
import { KnownVictimChecksController } from './known-victims/known-victim-checks.controller';
import type { SafeguardingRuntime } from './safeguarding-runtime';
import { CHECK_KNOWN_VICTIM } from './tokens';

/** Health, readiness, the known-victim check; the consumers run in the runtime. */
@Module({})
export class SafeguardingModule {
  static register(runtime: SafeguardingRuntime): DynamicModule {
    return {
      module: SafeguardingModule,
      imports: [
        PlatformModule.forRoot({
          service: 'safeguarding',
          logger: runtime.logger,
          identity: runtime.identity,
          readiness: runtime.readiness,
          rateLimit: apiRateLimitOf(runtime.config),
          onShutdown: () => runtime.close(),
        }),
      ],
      controllers: [KnownVictimChecksController],
      providers: [{ provide: CHECK_KNOWN_VICTIM, useValue: runtime.checkKnownVictim }],
    };
  }
}
