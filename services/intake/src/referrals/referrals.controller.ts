import {
  Body,
  Controller,
  Get,
  Headers,
  Inject,
  Param,
  ParseUUIDPipe,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import { validateRestBody } from '@harbour/contracts';
import {
  CurrentPrincipal,
  ForbiddenProblem,
  NotFoundProblem,
  type OrganisationKind,
  type Principal,
  RequireKinds,
  RequireRoles,
  ValidationProblem,
} from '@harbour/platform';
import type { Request, Response } from 'express';
import type { DataSource } from 'typeorm';
import { servesBorough } from '../access/borough-access';
import { idempotencyOf, runCommand } from '../http/command-http';
import {
  INTAKE_DATA_SOURCE,
  RECORD_REFERRAL_DECISION,
  REFERRAL_REPOSITORY,
  SUBMIT_REFERRAL,
} from '../tokens';
import type { RecordReferralDecision } from './record-referral-decision';
import type { ReferralRepository } from './referral-repository';
import { mayHandleReferral, referralView, type ReferralView } from './referral-view';
import type { SubmitReferral } from './submit-referral';

/** First responders: the organisations that may refer a potential victim of modern slavery. */
export const FIRST_RESPONDER_KINDS = [
  'police_borough',
  'police_specialist',
  'immigration',
  'local_authority',
  'ngo',
] as const satisfies readonly OrganisationKind[];

@Controller('v1/referrals')
export class ReferralsController {
  constructor(
    @Inject(SUBMIT_REFERRAL) private readonly submit: SubmitReferral,
    @Inject(RECORD_REFERRAL_DECISION) private readonly recordDecision: RecordReferralDecision,
    @Inject(REFERRAL_REPOSITORY) private readonly referrals: ReferralRepository,
    @Inject(INTAKE_DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  @Post()
  @RequireKinds(...FIRST_RESPONDER_KINDS)
  @RequireRoles('submit')
  create(
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<unknown> {
    const validation = validateRestBody('referral-submission', body);
    if (!validation.ok) throw new ValidationProblem(validation.issues);
    if (!servesBorough(principal, validation.value.borough)) {
      throw new ForbiddenProblem(
        `Your organisation does not serve borough ${validation.value.borough}.`,
      );
    }
    const idempotency = idempotencyOf(idempotencyKey, req, body);
    return runCommand(res, () => this.submit.execute(validation.value, principal, idempotency));
  }

  @Get(':id')
  @RequireRoles('submit', 'read')
  async findOne(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ReferralView> {
    const referral = await this.referrals.find(this.dataSource.manager, id);
    // Another organisation's referral is reported as absent, not forbidden: no existence leak.
    if (!referral || !mayHandleReferral(principal, referral)) {
      throw new NotFoundProblem('No such referral.');
    }
    return referralView(referral);
  }

  @Post(':id/decisions')
  @RequireKinds(...FIRST_RESPONDER_KINDS, 'coordinator')
  @RequireRoles('submit')
  decide(
    @Param('id', new ParseUUIDPipe()) referralId: string,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<unknown> {
    const validation = validateRestBody('referral-decision', body);
    if (!validation.ok) throw new ValidationProblem(validation.issues);
    const idempotency = idempotencyOf(idempotencyKey, req, body);
    return runCommand(res, () =>
      this.recordDecision.execute(referralId, validation.value, principal, idempotency),
    );
  }
}
