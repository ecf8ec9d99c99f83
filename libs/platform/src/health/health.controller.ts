import { Controller, Get, HttpStatus, Inject, Optional, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../auth/auth-decorators';
import type { Logger } from '../logging/logger';
import { HARBOUR_LOGGER } from '../tokens';
import { type ReadinessCheck, withTimeout } from './readiness-check';

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
export const HEALTH_SERVICE_NAME = Symbol('HEALTH_SERVICE_NAME');

/** A check that ignores its own timeout still cannot hold `/ready` longer than this. */
const CHECK_CEILING_MS = 5000;

export interface LivenessBody {
  status: 'ok';
  service: string;
}

export interface ReadinessBody {
  status: 'ready' | 'unavailable';
  checks: Record<string, 'up' | 'down'>;
}

/**
 * `GET /health` (liveness: the process answers) and `GET /ready` (readiness: every dependency
 * answers). Public: orchestrators probe without an API key. A failed check is reported only as
 * `down`; the reason goes to the log, since driver errors can name hosts or users.
 */
@Public()
@Controller()
export class HealthController {
  constructor(
    @Inject(READINESS_CHECKS) private readonly checks: readonly ReadinessCheck[],
    @Inject(HEALTH_SERVICE_NAME) private readonly service: string,
    @Optional() @Inject(HARBOUR_LOGGER) private readonly logger?: Logger,
  ) {}

  @Get('health')
  health(): LivenessBody {
    return { status: 'ok', service: this.service };
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) response: Response): Promise<ReadinessBody> {
    const results = await Promise.all(
      this.checks.map(async (readiness) => {
        const { name } = readiness;
        try {
          await withTimeout(readiness.check(), CHECK_CEILING_MS, name);
          return [name, 'up'] as const;
        } catch (error) {
          this.logger?.warn({ err: error, check: name }, 'readiness check failed');
          return [name, 'down'] as const;
        }
      }),
    );
    const checks = Object.fromEntries(results);
    const ready = results.every(([, state]) => state === 'up');
    if (!ready) response.status(HttpStatus.SERVICE_UNAVAILABLE);
    return { status: ready ? 'ready' : 'unavailable', checks };
  }
}
