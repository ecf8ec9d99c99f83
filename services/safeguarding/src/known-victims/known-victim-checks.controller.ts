import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { Authorize, CurrentPrincipal, type Principal, ValidationProblem } from '@harbour/platform';
import { readKnownVictimQuery } from '../domain/known-victim-query';
import { CHECK_KNOWN_VICTIM } from '../tokens';
import type { CheckKnownVictim, KnownVictimCheckResult } from './known-victim-index';

/**
 * `POST /v1/known-victim-checks`: police, immigration and coordinators ask whether a place is
 * linked to someone known to be at risk, before acting there. Every check is audited.
 */
@Controller('v1/known-victim-checks')
export class KnownVictimChecksController {
  constructor(@Inject(CHECK_KNOWN_VICTIM) private readonly checks: CheckKnownVictim) {}

  @Post()
  @Authorize('safeguarding.known-victim.check')
  @HttpCode(200)
  async check(
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ): Promise<KnownVictimCheckResult> {
    const read = readKnownVictimQuery(body);
    if (!read.ok) throw new ValidationProblem(read.issues);
    return this.checks.execute(principal, read.query);
  }
}
