import { Controller, Get, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  Authorize,
  type CommandExchange,
  CurrentPrincipal,
  Exchange,
  handleCommand,
  NotFoundProblem,
  type PersonalDataReads,
  personalFieldsOf,
  type Principal,
} from '@harbour/platform';
import type { DataSource } from 'typeorm';
import { requireServedBorough } from '../access/borough-access';
import {
  BED_REQUEST_REPOSITORY,
  INTAKE_DATA_SOURCE,
  PERSONAL_DATA_READS,
  SUBMIT_BED_REQUEST,
  WITHDRAW_BED_REQUEST,
} from '../tokens';
import type { BedRequestRepository } from './bed-request-repository';
import { bedRequestView, type BedRequestView, maySeeBedRequest } from './bed-request-view';
import type { SubmitBedRequest } from './submit-bed-request';
import type { WithdrawBedRequest } from './withdraw-bed-request';

/** Thin HTTP layer: validate the body against its contract, authorise, run one command. */
@Controller('v1/bed-requests')
export class BedRequestsController {
  constructor(
    @Inject(SUBMIT_BED_REQUEST) private readonly submit: SubmitBedRequest,
    @Inject(WITHDRAW_BED_REQUEST) private readonly withdraw: WithdrawBedRequest,
    @Inject(BED_REQUEST_REPOSITORY) private readonly bedRequests: BedRequestRepository,
    @Inject(INTAKE_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(PERSONAL_DATA_READS) private readonly reads: PersonalDataReads,
  ) {}

  @Post()
  @Authorize('intake.bed-request.submit')
  create(
    @Exchange() exchange: CommandExchange,
    @CurrentPrincipal() principal: Principal,
  ): Promise<unknown> {
    return handleCommand(
      exchange,
      principal,
      'bed-request',
      (body, context) => this.submit.execute(body, context),
      (body) => {
        // Coordinators place across London, whatever boroughs their key lists.
        if (principal.organisationKind !== 'coordinator') {
          requireServedBorough(principal, body.borough);
        }
      },
    );
  }

  @Get(':id')
  @Authorize('intake.bed-request.read')
  async findOne(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<BedRequestView> {
    const request = await this.bedRequests.find(this.dataSource.manager, id);
    // Another organisation's request is reported as absent, not forbidden: no existence leak.
    if (!request || !maySeeBedRequest(principal, request)) {
      throw new NotFoundProblem('No such bed request.');
    }
    const view = bedRequestView(request, principal);
    await this.reads.record(principal, {
      resource: { kind: 'bed_request', id },
      fields: personalFieldsOf(view, ['person']),
      route: 'GET /v1/bed-requests/:id',
    });
    return view;
  }

  @Post(':id/withdrawal')
  @Authorize('intake.bed-request.withdraw')
  withdrawal(
    @Param('id', new ParseUUIDPipe()) requestId: string,
    @Exchange() exchange: CommandExchange,
    @CurrentPrincipal() principal: Principal,
  ): Promise<unknown> {
    return handleCommand(exchange, principal, 'bed-request-withdrawal', (body, context) =>
      this.withdraw.execute(requestId, body, context),
    );
  }
}
