import { Controller, Get, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  CurrentPrincipal,
  NotFoundProblem,
  type OrganisationKind,
  type Principal,
  RequireKinds,
  RequireRoles,
} from '@harbour/platform';
import type { DataSource } from 'typeorm';
import { requireServedBorough } from '../access/borough-access';
import { type CommandExchange, Exchange, handleCommand } from '../http/command-http';
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
    @Exchange() exchange: CommandExchange,
    @CurrentPrincipal() principal: Principal,
  ): Promise<unknown> {
    return handleCommand(exchange, principal, 'referral-decision', (body, context) =>
      this.recordDecision.execute(referralId, body, context),
    );
  }
}
