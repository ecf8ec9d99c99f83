import { quoteIdentifier } from '@harbour/platform';
import type { EntityManager } from 'typeorm';
import type { MissingEpisode } from '../domain/missing-episode';

export interface MissingEpisodeView {
  episodeId: string;
  status: 'reported';
  borough: string;
  riskGrade: string;
  isChild: boolean;
  traffickingMarkers: string[];
  reportedAt: string;
  reportedByOrganisationId: string;
}

interface MissingEpisodeRow {
  id: string;
  borough: string;
  risk_grade: string;
  is_child: boolean;
  trafficking_markers: string[];
  reported_at: Date;
  reported_by_organisation_id: string;
}

export class MissingEpisodeRepository {
  /** The quoted schema name, checked once. */
  private readonly schema: string;

  constructor(schema: string) {
    this.schema = quoteIdentifier(schema);
  }

  async insert(manager: EntityManager, episode: MissingEpisode): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.schema}.missing_episode
        (id, reported_by_organisation_id, reported_by_organisation_kind, reported_at, borough,
         risk_grade, is_child, trafficking_markers, last_seen_at, report)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        episode.id,
        episode.reporter.organisationId,
        episode.reporter.organisationKind,
        episode.reportedAt,
        episode.borough,
        episode.riskGrade,
        episode.isChild,
        episode.traffickingMarkers,
        episode.lastSeenAt,
        JSON.stringify(episode.report),
      ],
    );
  }

  /** What the reporting organisation may read back: no personal fields. */
  async findView(manager: EntityManager, id: string): Promise<MissingEpisodeView | undefined> {
    const rows: MissingEpisodeRow[] = await manager.query(
      `SELECT id, borough, risk_grade, is_child, trafficking_markers, reported_at, reported_by_organisation_id
         FROM ${this.schema}.missing_episode WHERE id = $1`,
      [id],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      episodeId: row.id,
      status: 'reported',
      borough: row.borough,
      riskGrade: row.risk_grade,
      isChild: row.is_child,
      traffickingMarkers: row.trafficking_markers,
      reportedAt: row.reported_at.toISOString(),
      reportedByOrganisationId: row.reported_by_organisation_id,
    };
  }
}
