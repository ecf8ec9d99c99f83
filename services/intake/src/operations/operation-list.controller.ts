import { Controller, Get, Inject, Query } from '@nestjs/common';
import { Authorize, CurrentPrincipal, type Principal } from '@harbour/platform';
import type { DataSource } from 'typeorm';
import { INTAKE_DATA_SOURCE } from '../tokens';
import {
  OPERATION_LIST,
  type OperationList,
  type OperationListView,
  pageParameter,
} from './operation-list';

/**
 * `GET /v1/operations`: the caller's organisation's own operations, a page at a time, for the
 * planner's console. No personal field is listed, so nothing here is a recorded disclosure.
 */
@Controller('v1/operations')
export class OperationListController {
  constructor(
    @Inject(OPERATION_LIST) private readonly operations: OperationList,
    @Inject(INTAKE_DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  @Get()
  @Authorize('intake.operation.list')
  list(
    @CurrentPrincipal() principal: Principal,
    @Query('limit') limit?: string,
    @Query('offset') offset?: string,
  ): Promise<OperationListView> {
    return this.operations.ofPlanner(this.dataSource.manager, principal.organisationId, {
      limit: pageParameter('limit', limit, 25, 1, 100),
      offset: pageParameter('offset', offset, 0, 0, 100_000),
    });
  }
}
