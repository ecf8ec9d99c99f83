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
import { londonDateOf } from '@harbour/london';
import { validateRestBody } from '@harbour/contracts';
import {
  CurrentPrincipal,
  ForbiddenProblem,
  NotFoundProblem,
  type Principal,
  RequireKinds,
  RequireRoles,
  ValidationProblem,
} from '@harbour/platform';
import type { Request, Response } from 'express';
import type { DataSource } from 'typeorm';
import { servesBorough } from '../access/borough-access';
import { reportIssues } from '../domain/missing-episode';
import { idempotencyOf, runCommand } from '../http/command-http';
import {
  INTAKE_DATA_SOURCE,
  MISSING_EPISODE_PROGRESS,
  MISSING_EPISODE_REPOSITORY,
  REPORT_MISSING_EPISODE,
} from '../tokens';
import { mayActOnEpisode, REPORTING_KINDS } from './episode-access';
import type { MissingEpisodeProgress } from './missing-episode-progress';
import type { MissingEpisodeRepository, MissingEpisodeView } from './missing-episode-repository';
import type { ReportMissingEpisode } from './report-missing-episode';

/** Thin HTTP layer: validate the body against its contract, authorise, run one command. */
@Controller('v1/missing-episodes')
export class MissingEpisodesController {
  constructor(
    @Inject(REPORT_MISSING_EPISODE) private readonly report: ReportMissingEpisode,
    @Inject(MISSING_EPISODE_PROGRESS) private readonly progress: MissingEpisodeProgress,
    @Inject(MISSING_EPISODE_REPOSITORY) private readonly episodes: MissingEpisodeRepository,
    @Inject(INTAKE_DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  @Post()
  @RequireKinds(...REPORTING_KINDS)
  @RequireRoles('submit')
  create(
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<unknown> {
    const validation = validateRestBody('missing-episode-report', body);
    if (!validation.ok) throw new ValidationProblem(validation.issues);
    const report = validation.value;
    const now = new Date();
    const issues = reportIssues(report, now, londonDateOf(now));
    if (issues.length > 0) throw new ValidationProblem(issues);
    if (!servesBorough(principal, report.borough)) {
      throw new ForbiddenProblem(`Your organisation does not serve borough ${report.borough}.`);
    }
    const idempotency = idempotencyOf(idempotencyKey, req, body);
    return runCommand(res, () => this.report.execute(report, principal, idempotency, now));
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
      !mayActOnEpisode(principal, {
        borough: view.borough,
        reportedByOrganisationId: view.reportedByOrganisationId,
      })
    ) {
      throw new NotFoundProblem('No such missing episode.');
    }
    return view;
  }

  @Post(':id/risk-grades')
  @RequireKinds(...REPORTING_KINDS, 'coordinator')
  @RequireRoles('submit')
  regrade(
    @Param('id', new ParseUUIDPipe()) episodeId: string,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<unknown> {
    const validation = validateRestBody('missing-episode-regrade', body);
    if (!validation.ok) throw new ValidationProblem(validation.issues);
    const idempotency = idempotencyOf(idempotencyKey, req, body);
    return runCommand(res, () =>
      this.progress.regradeRisk({ episodeId, principal, idempotency }, validation.value),
    );
  }

  @Post(':id/updates')
  @RequireKinds(...REPORTING_KINDS, 'coordinator')
  @RequireRoles('submit')
  update(
    @Param('id', new ParseUUIDPipe()) episodeId: string,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<unknown> {
    const validation = validateRestBody('missing-episode-update', body);
    if (!validation.ok) throw new ValidationProblem(validation.issues);
    const idempotency = idempotencyOf(idempotencyKey, req, body);
    return runCommand(res, () =>
      this.progress.recordUpdate({ episodeId, principal, idempotency }, validation.value),
    );
  }

  @Post(':id/found')
  @RequireKinds(...REPORTING_KINDS, 'coordinator')
  @RequireRoles('submit')
  found(
    @Param('id', new ParseUUIDPipe()) episodeId: string,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<unknown> {
    const validation = validateRestBody('missing-episode-found', body);
    if (!validation.ok) throw new ValidationProblem(validation.issues);
    const idempotency = idempotencyOf(idempotencyKey, req, body);
    return runCommand(res, () =>
      this.progress.recordFound({ episodeId, principal, idempotency }, validation.value),
    );
  }

  @Post(':id/return-home-interview')
  @RequireKinds('local_authority', 'coordinator')
  @RequireRoles('submit')
  returnHomeInterview(
    @Param('id', new ParseUUIDPipe()) episodeId: string,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<unknown> {
    const validation = validateRestBody('return-home-interview', body);
    if (!validation.ok) throw new ValidationProblem(validation.issues);
    const idempotency = idempotencyOf(idempotencyKey, req, body);
    return runCommand(res, () =>
      this.progress.recordReturnInterview({ episodeId, principal, idempotency }, validation.value),
    );
  }
}
