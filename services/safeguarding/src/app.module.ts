import { type DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@harbour/platform';
import type { SafeguardingRuntime } from './safeguarding-runtime';

/** Safeguarding has no partner-facing routes yet: health, readiness, and the consumers. */
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
          onShutdown: () => runtime.close(),
        }),
      ],
    };
  }
}
