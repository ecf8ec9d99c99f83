import {
  type DynamicModule,
  Inject,
  Injectable,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ApiKeyGuard } from '../auth/api-key.guard';
import {
  API_RATE_LIMITER,
  type ApiRateLimiter,
  type ApiRateLimitSettings,
  DEFAULT_API_RATE_LIMIT,
  TokenBucketRateLimiter,
} from '../auth/api-rate-limit';
import { HealthModule } from '../health/health.module';
import type { ReadinessCheck } from '../health/readiness-check';
import type { IdentityStore } from '../identity/identity-store';
import type { Logger } from '../logging/logger';
import { ProblemDetailsFilter } from '../problems/problem-details.filter';
import { HARBOUR_LOGGER, IDENTITY_STORE } from '../tokens';

export interface PlatformModuleOptions {
  /** Short service name, reported by `GET /health`. */
  service: string;
  logger: Logger;
  identity: IdentityStore;
  /** Dependencies `GET /ready` checks. */
  readiness: ReadinessCheck[];
  /**
   * Requests per API key (`apiRateLimitOf(config)`); default `DEFAULT_API_RATE_LIMIT`. A test
   * may pass its own limiter (e.g. on a clock it moves).
   */
  rateLimit?: ApiRateLimitSettings | ApiRateLimiter;
  /**
   * Runs once the HTTP server has stopped taking requests during shutdown: close consumers,
   * relays and pools here.
   */
  onShutdown?: () => Promise<void>;
}

export const PLATFORM_OPTIONS = Symbol('PLATFORM_OPTIONS');

/** Calls `onShutdown` from Nest's shutdown sequence (signal or `app.close()`). */
@Injectable()
class PlatformShutdown implements OnApplicationShutdown {
  constructor(@Inject(PLATFORM_OPTIONS) private readonly options: PlatformModuleOptions) {}

  async onApplicationShutdown(): Promise<void> {
    await this.options.onShutdown?.();
  }
}

/**
 * What every Harbour HTTP service shares: problem-details errors for every exception, API-key
 * authentication on every route not marked `@Public()` with a rate limit per key, `/health` and
 * `/ready`, and the logger and identity store under `HARBOUR_LOGGER` / `IDENTITY_STORE` for
 * injection anywhere.
 */
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformModuleOptions): DynamicModule {
    return {
      module: PlatformModule,
      global: true,
      imports: [HealthModule.forRoot(options.readiness, { service: options.service })],
      providers: [
        { provide: PLATFORM_OPTIONS, useValue: options },
        PlatformShutdown,
        { provide: HARBOUR_LOGGER, useValue: options.logger },
        { provide: IDENTITY_STORE, useValue: options.identity },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        // Built when the app starts, not when the module is declared (route checks only declare).
        { provide: API_RATE_LIMITER, useFactory: () => rateLimiterOf(options.rateLimit) },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
      ],
      exports: [HARBOUR_LOGGER, IDENTITY_STORE],
    };
  }
}

function rateLimiterOf(setting: ApiRateLimitSettings | ApiRateLimiter | undefined): ApiRateLimiter {
  if (setting === undefined) return new TokenBucketRateLimiter(DEFAULT_API_RATE_LIMIT);
  return 'take' in setting ? setting : new TokenBucketRateLimiter(setting);
}
