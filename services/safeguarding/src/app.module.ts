import { type DynamicModule, Module } from '@nestjs/common';
import { apiRateLimitOf, AuditLog, PlatformModule } from '@harbour/platform';
import { SafeguardingAuditController } from './audit/safeguarding-audit.controller';
import { KnownVictimChecksController } from './known-victims/known-victim-checks.controller';
import type { SafeguardingRuntime } from './safeguarding-runtime';
import { AUDIT_LOGS, CHECK_KNOWN_VICTIM } from './tokens';

/** Health, readiness, the known-victim check, the audit chain; the consumers run in the runtime. */
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
      controllers: [KnownVictimChecksController, SafeguardingAuditController],
      providers: [
        { provide: CHECK_KNOWN_VICTIM, useValue: runtime.checkKnownVictim },
        { provide: AUDIT_LOGS, useValue: { safeguarding: new AuditLog(runtime.dataSource) } },
      ],
    };
  }
}
