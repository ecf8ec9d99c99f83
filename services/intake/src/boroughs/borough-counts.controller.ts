import { Controller, Get, Inject, Query } from '@nestjs/common';
import { Authorize } from '@harbour/platform';
import type { DataSource } from 'typeorm';
import { INTAKE_DATA_SOURCE } from '../tokens';
import { BOROUGH_COUNTS, type BoroughCounts, type BoroughCountsView } from './borough-counts';
import { periodOf } from './borough-period';

/**
 * `GET /v1/boroughs/counts?from=&to=`: the coordinator's London map's intake layers (operations,
 * missing children, referrals) for every authority over a period. Counts only.
 */
@Controller('v1/boroughs')
export class BoroughCountsController {
  constructor(
    @Inject(BOROUGH_COUNTS) private readonly counts: BoroughCounts,
    @Inject(INTAKE_DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  @Get('counts')
  @Authorize('intake.borough.counts')
  countsByBorough(
    @Query('from') from?: string,
    @Query('to') to?: string,
  ): Promise<BoroughCountsView> {
    return this.counts.inPeriod(this.dataSource.manager, periodOf(from, to));
  }
}
