import { Controller, Get, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  Authorize,
  type CommandExchange,
  CurrentPrincipal,
  Exchange,
  handleCommand,
  NotFoundProblem,
  type Principal,
} from '@harbour/platform';
import type { DataSource } from 'typeorm';
import { requireServedBorough } from '../access/borough-access';
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

@Controller('v1/referrals')
export class ReferralsController {
  constructor(
    @Inject(SUBMIT_REFERRAL) private readonly submit: SubmitReferral,
    @Inject(RECORD_REFERRAL_DECISION) private readonly recordDecision: RecordReferralDecision,
    @Inject(REFERRAL_REPOSITORY) private readonly referrals: ReferralRepository,
    @Inject(INTAKE_DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  @Post()
  @Authorize('intake.referral.submit')
  create(
    @Exchange() exchange: CommandExchange,
    @CurrentPrincipal() principal: Principal,
  ): Promise<unknown> {
    return handleCommand(
      exchange,
      principal,
      'referral-submission',
      (body, context) => this.submit.execute(body, context),
      (body) => {
        requireServedBorough(principal, body.borough);
      },
    );
  }

  @Get(':id')
  @Authorize('intake.referral.read')
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
  @Authorize('intake.referral.decide')
  decide(
    @Param('id', new ParseUUIDPipe()) referralId: string,
    @Exchange() exchange: CommandExchange,
    @CurrentPrincipal() principal: Principal,
  ): Promise<unknown> {
    return handleCommand(exchange, principal, 'referral-decision', (body, context) =>
      this.recordDecision.execute(referralId, body, context),
    );
  }
}
