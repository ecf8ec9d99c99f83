import { type DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@harbour/platform';
import { AuthController } from './auth/auth.controller';
import { OidcController } from './auth/oidc.controller';
import type { ConsoleRuntime } from './console-runtime';
import { CONSOLE_RUNTIME } from './tokens';

@Module({})
export class ConsoleModule {
  static register(runtime: ConsoleRuntime): DynamicModule {
    return {
      module: ConsoleModule,
      imports: [
        PlatformModule.forRoot({
          service: 'console',
          logger: runtime.logger,
          identity: runtime.identity,
          readiness: runtime.readiness,
          onShutdown: () => runtime.close(),
        }),
      ],
      controllers: [AuthController, OidcController],
      providers: [{ provide: CONSOLE_RUNTIME, useValue: runtime }],
    };
  }
}
