import { type DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@harbour/platform';
import type { AccommodationRuntime } from './accommodation-runtime';

/** Accommodation starts, connects and reports health; matching arrives with its own issue. */
@Module({})
export class AccommodationModule {
  static register(runtime: AccommodationRuntime): DynamicModule {
    return {
      module: AccommodationModule,
      imports: [
        PlatformModule.forRoot({
          service: 'accommodation',
          logger: runtime.logger,
          identity: runtime.identity,
          readiness: runtime.readiness,
          onShutdown: () => runtime.close(),
        }),
      ],
    };
  }
}
