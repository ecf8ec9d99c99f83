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
  type Principal,
  RequireKinds,
  RequireRoles,
  UnprocessableProblem,
  ValidationProblem,
} from '@harbour/platform';
import type { Request, Response } from 'express';
import type { DataSource } from 'typeorm';
import { lastSeenIsPlausible, type MissingEpisodeReportInput } from '../domain/missing-episode';
import { isValidIdempotencyKey, requestHash } from '../idempotency/idempotency';
import { INTAKE_DATA_SOURCE, MISSING_EPISODE_REPOSITORY, REPORT_MISSING_EPISODE } from '../tokens';
import type { MissingEpisodeRepository, MissingEpisodeView } from './missing-episode-repository';
import { IdempotencyKeyReused, type ReportMissingEpisode } from './report-missing-episode';

/** Organisations that may report a missing child: police, missing-person units, local authorities. */
const REPORTING_KINDS = [
  'police_borough',
  'police_specialist',
  'missing_person_unit',
  'local_authority',
] as const;

function servesBorough(principal: Principal, gss: string): boolean {
  return principal.boroughs.includes('pan_london') || principal.boroughs.includes(gss);
}

@Controller('v1/missing-episodes')
export class MissingEpisodesController {
  constructor(
    @Inject(REPORT_MISSING_EPISODE) private readonly report: ReportMissingEpisode,
    @Inject(MISSING_EPISODE_REPOSITORY) private readonly episodes: MissingEpisodeRepository,
    @Inject(INTAKE_DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  @Post()
  @RequireKinds(...REPORTING_KINDS)
  @RequireRoles('submit')
  async create(
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<unknown> {
    const validation = validateRestBody('missing-episode-report', body);
    if (!validation.ok) throw new ValidationProblem(validation.issues);
    const report = body as MissingEpisodeReportInput;
    if (!lastSeenIsPlausible(report, new Date())) {
      throw new ValidationProblem([
        { pointer: '/lastSeenAt', message: 'must not be in the future' },
      ]);
    }
    if (!servesBorough(principal, report.borough)) {
      throw new ForbiddenProblem(`Your organisation does not serve borough ${report.borough}.`);
    }
    if (idempotencyKey !== undefined && !isValidIdempotencyKey(idempotencyKey)) {
      throw new ValidationProblem([
        { pointer: 'header:Idempotency-Key', message: 'must be 1-255 visible ASCII characters' },
      ]);
    }
    const idempotency =
      idempotencyKey === undefined
        ? undefined
        : { key: idempotencyKey, hash: requestHash(req.method, req.path, body) };
    try {
      const { response, replayed } = await this.report.execute(report, principal, idempotency);
      res.status(response.status);
      if (response.location) res.setHeader('Location', response.location);
      if (replayed) res.setHeader('Idempotent-Replayed', 'true');
      return response.body;
    } catch (error) {
      if (error instanceof IdempotencyKeyReused) throw new UnprocessableProblem(error.message);
      throw error;
    }
  }

  @Get(':id')
  @RequireRoles('submit', 'read')
  async findOne(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<MissingEpisodeView> {
    const view = await this.episodes.findView(this.dataSource.manager, id);
    // Another organisation's episode is reported as absent, not forbidden: no existence leak.
    if (
      !view ||
      (view.reportedByOrganisationId !== principal.organisationId &&
        principal.organisationKind !== 'coordinator')
    ) {
      throw new NotFoundProblem('No such missing episode.');
    }
    return view;
  }
}
