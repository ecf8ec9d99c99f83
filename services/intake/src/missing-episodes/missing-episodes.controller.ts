import { Controller, Get, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { londonDateOf } from '@harbour/london';
import {
  Authorize,
  type CommandExchange,
  CurrentPrincipal,
  Exchange,
  handleCommand,
  NotFoundProblem,
  type Principal,
  ValidationProblem,
} from '@harbour/platform';
import type { DataSource } from 'typeorm';
import { requireServedBorough } from '../access/borough-access';
import { reportIssues } from '../domain/missing-episode';
import {
  INTAKE_DATA_SOURCE,
  MISSING_EPISODE_PROGRESS,
  MISSING_EPISODE_REPOSITORY,
  REPORT_MISSING_EPISODE,
} from '../tokens';
import { mayActOnEpisode } from './episode-access';
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
  @Authorize('intake.missing-episode.report')
  create(
    @Exchange() exchange: CommandExchange,
    @CurrentPrincipal() principal: Principal,
  ): Promise<unknown> {
    const now = new Date();
    return handleCommand(
      exchange,
      principal,
      'missing-episode-report',
      (report, context) => this.report.execute(report, { ...context, now }),
      (report) => {
        const issues = reportIssues(report, now, londonDateOf(now));
        if (issues.length > 0) throw new ValidationProblem(issues);
        requireServedBorough(principal, report.borough);
      },
    );
  }

  @Get(':id')
  @Authorize('intake.missing-episode.read')
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
  @Authorize('intake.missing-episode.regrade')
  regrade(
    @Param('id', new ParseUUIDPipe()) episodeId: string,
    @Exchange() exchange: CommandExchange,
    @CurrentPrincipal() principal: Principal,
  ): Promise<unknown> {
    return handleCommand(exchange, principal, 'missing-episode-regrade', (body, context) =>
      this.progress.regradeRisk(episodeId, body, context),
    );
  }

  @Post(':id/updates')
  @Authorize('intake.missing-episode.update')
  update(
    @Param('id', new ParseUUIDPipe()) episodeId: string,
    @Exchange() exchange: CommandExchange,
    @CurrentPrincipal() principal: Principal,
  ): Promise<unknown> {
    return handleCommand(exchange, principal, 'missing-episode-update', (body, context) =>
      this.progress.recordUpdate(episodeId, body, context),
    );
  }

  @Post(':id/found')
  @Authorize('intake.missing-episode.found')
  found(
    @Param('id', new ParseUUIDPipe()) episodeId: string,
    @Exchange() exchange: CommandExchange,
    @CurrentPrincipal() principal: Principal,
  ): Promise<unknown> {
    return handleCommand(exchange, principal, 'missing-episode-found', (body, context) =>
      this.progress.recordFound(episodeId, body, context),
    );
  }

  @Post(':id/return-home-interview')
  @Authorize('intake.missing-episode.return-home-interview')
  returnHomeInterview(
    @Param('id', new ParseUUIDPipe()) episodeId: string,
    @Exchange() exchange: CommandExchange,
    @CurrentPrincipal() principal: Principal,
  ): Promise<unknown> {
    return handleCommand(exchange, principal, 'return-home-interview', (body, context) =>
      this.progress.recordReturnInterview(episodeId, body, context),
    );
  }
}
