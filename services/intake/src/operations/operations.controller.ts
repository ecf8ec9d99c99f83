import { Controller, Get, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  Authorize,
  type CommandExchange,
  CurrentPrincipal,
  Exchange,
  ForbiddenProblem,
  handleCommand,
  NotFoundProblem,
  type PersonalDataReads,
  personalFieldsOf,
  type Principal,
} from '@harbour/platform';
import type { DataSource } from 'typeorm';
import { requireServedBorough } from '../access/borough-access';
import { planningRefusal } from '../domain/operation';
import {
  INTAKE_DATA_SOURCE,
  OPERATION_PROGRESS,
  OPERATION_REPOSITORY,
  PERSONAL_DATA_READS,
  PLAN_OPERATION,
} from '../tokens';
import type { OperationProgress } from './operation-progress';
import type { OperationRepository } from './operation-repository';
import { maySeeOperation, operationView, type OperationView } from './operation-view';
import type { PlanOperation } from './plan-operation';

/** Thin HTTP layer: validate the body against its contract, authorise, run one command. */
@Controller('v1/operations')
export class OperationsController {
  constructor(
    @Inject(PLAN_OPERATION) private readonly plan: PlanOperation,
    @Inject(OPERATION_PROGRESS) private readonly progress: OperationProgress,
    @Inject(OPERATION_REPOSITORY) private readonly operations: OperationRepository,
    @Inject(INTAKE_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(PERSONAL_DATA_READS) private readonly reads: PersonalDataReads,
  ) {}

  @Post()
  @Authorize('intake.operation.plan')
  create(
    @Exchange() exchange: CommandExchange,
    @CurrentPrincipal() principal: Principal,
  ): Promise<unknown> {
    return handleCommand(
      exchange,
      principal,
      'operation-plan',
      (body, context) => this.plan.execute(body, context),
      (body) => {
        const refusal = planningRefusal(principal.organisationKind, body.kind);
        if (refusal !== undefined) throw new ForbiddenProblem(refusal);
        requireServedBorough(principal, body.borough);
      },
    );
  }

  @Get(':id')
  @Authorize('intake.operation.read')
  async findOne(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<OperationView> {
    const operation = await this.operations.find(this.dataSource.manager, id);
    // Another organisation's operation is reported as absent, not forbidden: no existence leak.
    if (!operation || !maySeeOperation(principal, operation)) {
      throw new NotFoundProblem('No such operation.');
    }
    const view = operationView(operation, principal);
    await this.reads.record(principal, {
      resource: { kind: 'operation', id },
      fields: personalFieldsOf(view, ['address', 'leadContact', 'cancellation']),
      route: 'GET /v1/operations/:id',
    });
    return view;
  }

  @Post(':id/updates')
  @Authorize('intake.operation.update')
  update(
    @Param('id', new ParseUUIDPipe()) operationId: string,
    @Exchange() exchange: CommandExchange,
    @CurrentPrincipal() principal: Principal,
  ): Promise<unknown> {
    return handleCommand(exchange, principal, 'operation-update', (body, context) =>
      this.progress.update(operationId, body, context),
    );
  }

  @Post(':id/cancellation')
  @Authorize('intake.operation.cancel')
  cancel(
    @Param('id', new ParseUUIDPipe()) operationId: string,
    @Exchange() exchange: CommandExchange,
    @CurrentPrincipal() principal: Principal,
  ): Promise<unknown> {
    return handleCommand(exchange, principal, 'operation-cancellation', (body, context) =>
      this.progress.cancel(operationId, body, context),
    );
  }

  @Post(':id/outcome')
  @Authorize('intake.operation.outcome')
  recordOutcome(
    @Param('id', new ParseUUIDPipe()) operationId: string,
    @Exchange() exchange: CommandExchange,
    @CurrentPrincipal() principal: Principal,
  ): Promise<unknown> {
    return handleCommand(exchange, principal, 'operation-outcome', (body, context) =>
      this.progress.recordOutcome(operationId, body, context),
    );
  }
}
