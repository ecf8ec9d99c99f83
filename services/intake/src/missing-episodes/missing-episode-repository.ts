import type { OrganisationRef, RiskGrade } from '@harbour/contracts';
import { type FieldCipher, quoteIdentifier } from '@harbour/platform';
import type { EntityManager } from 'typeorm';
import { type MissingEpisode, separatePersonal } from '../domain/missing-episode';
import type { EpisodeState, EpisodeStatus } from '../domain/missing-episode-lifecycle';

/** Authenticated-data contexts of the encrypted columns (a value moved elsewhere won't decrypt). */
const EPISODE_PERSONAL = 'missing_episode.personal';
const ENTRY_PERSONAL = 'missing_episode_entry.personal';

export type TimelineEntryKind = 'risk_regraded' | 'updated' | 'found' | 'return_interview_recorded';

/** One step in an episode's life after the report. `details` must hold no personal data. */
export interface TimelineEntry {
  id: string;
  episodeId: string;
  kind: TimelineEntryKind;
  recordedAt: Date;
  recordedBy: OrganisationRef;
  details: Record<string, unknown>;
  /** Notes, reasons, place descriptions: stored encrypted, never returned by the API. */
  personal?: Record<string, unknown>;
}

/** An episode as a command sees it, locked for the rest of the transaction. */
export interface EpisodeRecord extends EpisodeState {
  id: string;
  borough: string;
  reportedByOrganisationId: string;
}

export interface MissingEpisodeView {
  episodeId: string;
  status: EpisodeStatus;
  borough: string;
  riskGrade: string;
  isChild: boolean;
  traffickingMarkers: string[];
  reportedAt: string;
  reportedByOrganisationId: string;
  lastSeenAt: string;
  linkedReferralId?: string;
  foundAt?: string;
  returnHomeInterview?: {
    dueBy: string;
    outcome?: string;
    completedAt?: string;
    recordedAt?: string;
  };
  timeline: {
    kind: 'reported' | TimelineEntryKind;
    recordedAt: string;
    recordedBy: OrganisationRef;
    details: Record<string, unknown>;
  }[];
}

interface MissingEpisodeRow {
  id: string;
  borough: string;
  risk_grade: RiskGrade;
  is_child: boolean;
  trafficking_markers: string[];
  reported_at: Date;
  reported_by_organisation_id: string;
  reported_by_organisation_kind: OrganisationRef['organisationKind'];
  last_seen_at: Date;
  status: EpisodeStatus;
  found_at: Date | null;
  linked_referral_id: string | null;
  return_home_interview_due_by: Date | null;
  return_home_interview_outcome: string | null;
  return_home_interview_completed_at: Date | null;
  return_home_interview_recorded_at: Date | null;
}

interface EntryRow {
  kind: TimelineEntryKind;
  recorded_at: Date;
  recorded_by_organisation_id: string;
  recorded_by_organisation_kind: OrganisationRef['organisationKind'];
  details: Record<string, unknown>;
}

const EPISODE_COLUMNS = `id, borough, risk_grade, is_child, trafficking_markers, reported_at,
  reported_by_organisation_id, reported_by_organisation_kind, last_seen_at, status, found_at,
  linked_referral_id, return_home_interview_due_by, return_home_interview_outcome,
  return_home_interview_completed_at, return_home_interview_recorded_at`;

export class MissingEpisodeRepository {
  /** The quoted schema name, checked once. */
  private readonly schema: string;

  constructor(
    schema: string,
    private readonly cipher: FieldCipher,
  ) {
    this.schema = quoteIdentifier(schema);
  }

  /** Stores the report with its personal fields encrypted and the rest in clear. */
  async insert(manager: EntityManager, episode: MissingEpisode): Promise<void> {
    const { shareable, personal } = separatePersonal(episode.report);
    await manager.query(
      `INSERT INTO ${this.schema}.missing_episode
        (id, reported_by_organisation_id, reported_by_organisation_kind, reported_at, borough,
         risk_grade, is_child, trafficking_markers, last_seen_at, report, personal_encrypted,
         linked_referral_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
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
        JSON.stringify(shareable),
        Object.keys(personal).length > 0
          ? this.cipher.encryptJson(personal, EPISODE_PERSONAL)
          : null,
        episode.linkedReferralId ?? null,
      ],
    );
  }

  /** The episode, row-locked until the transaction ends so concurrent changes queue up. */
  async lockForChange(manager: EntityManager, id: string): Promise<EpisodeRecord | undefined> {
    const rows: MissingEpisodeRow[] = await manager.query(
      `SELECT ${EPISODE_COLUMNS} FROM ${this.schema}.missing_episode WHERE id = $1 FOR UPDATE`,
      [id],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      id: row.id,
      borough: row.borough,
      reportedByOrganisationId: row.reported_by_organisation_id,
      status: row.status,
      riskGrade: row.risk_grade,
      isChild: row.is_child,
      reportedAt: row.reported_at,
      lastSeenAt: row.last_seen_at,
      ...(row.found_at ? { foundAt: row.found_at } : {}),
      ...(row.return_home_interview_recorded_at
        ? { returnHomeInterviewRecordedAt: row.return_home_interview_recorded_at }
        : {}),
    };
  }

  async addEntry(manager: EntityManager, entry: TimelineEntry): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.schema}.missing_episode_entry
        (id, episode_id, kind, recorded_at, recorded_by_organisation_id,
         recorded_by_organisation_kind, details, personal_encrypted)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        entry.id,
        entry.episodeId,
        entry.kind,
        entry.recordedAt,
        entry.recordedBy.organisationId,
        entry.recordedBy.organisationKind,
        JSON.stringify(entry.details),
        entry.personal && Object.keys(entry.personal).length > 0
          ? this.cipher.encryptJson(entry.personal, ENTRY_PERSONAL)
          : null,
      ],
    );
  }

  async setRiskGrade(manager: EntityManager, id: string, riskGrade: RiskGrade): Promise<void> {
    await manager.query(`UPDATE ${this.schema}.missing_episode SET risk_grade = $2 WHERE id = $1`, [
      id,
      riskGrade,
    ]);
  }

  async markFound(
    manager: EntityManager,
    id: string,
    foundAt: Date,
    returnHomeInterviewDueBy: Date | undefined,
  ): Promise<void> {
    await manager.query(
      `UPDATE ${this.schema}.missing_episode
          SET status = 'found', found_at = $2, return_home_interview_due_by = $3
        WHERE id = $1`,
      [id, foundAt, returnHomeInterviewDueBy ?? null],
    );
  }

  async markReturnInterview(
    manager: EntityManager,
    id: string,
    interview: { outcome: string; completedAt: Date; recordedAt: Date },
  ): Promise<void> {
    await manager.query(
      `UPDATE ${this.schema}.missing_episode
          SET return_home_interview_outcome = $2, return_home_interview_completed_at = $3,
              return_home_interview_recorded_at = $4
        WHERE id = $1`,
      [id, interview.outcome, interview.completedAt, interview.recordedAt],
    );
  }

  /** What an organisation entitled to the episode may read back: no personal fields. */
  async findView(manager: EntityManager, id: string): Promise<MissingEpisodeView | undefined> {
    const rows: MissingEpisodeRow[] = await manager.query(
      `SELECT ${EPISODE_COLUMNS} FROM ${this.schema}.missing_episode WHERE id = $1`,
      [id],
    );
    const row = rows[0];
    if (!row) return undefined;
    const entries: EntryRow[] = await manager.query(
      `SELECT kind, recorded_at, recorded_by_organisation_id, recorded_by_organisation_kind, details
         FROM ${this.schema}.missing_episode_entry WHERE episode_id = $1
        ORDER BY recorded_at, id`,
      [id],
    );
    const rhiDue = row.return_home_interview_due_by;
    return {
      episodeId: row.id,
      status: row.status,
      borough: row.borough,
      riskGrade: row.risk_grade,
      isChild: row.is_child,
      traffickingMarkers: row.trafficking_markers,
      reportedAt: row.reported_at.toISOString(),
      reportedByOrganisationId: row.reported_by_organisation_id,
      lastSeenAt: row.last_seen_at.toISOString(),
      ...(row.linked_referral_id ? { linkedReferralId: row.linked_referral_id } : {}),
      ...(row.found_at ? { foundAt: row.found_at.toISOString() } : {}),
      ...(rhiDue
        ? {
            returnHomeInterview: {
              dueBy: rhiDue.toISOString(),
              ...(row.return_home_interview_outcome
                ? { outcome: row.return_home_interview_outcome }
                : {}),
              ...(row.return_home_interview_completed_at
                ? { completedAt: row.return_home_interview_completed_at.toISOString() }
                : {}),
              ...(row.return_home_interview_recorded_at
                ? { recordedAt: row.return_home_interview_recorded_at.toISOString() }
                : {}),
            },
          }
        : {}),
      timeline: [
        {
          kind: 'reported',
          recordedAt: row.reported_at.toISOString(),
          recordedBy: {
            organisationId: row.reported_by_organisation_id,
            organisationKind: row.reported_by_organisation_kind,
          },
          details: {
            riskGrade: reportedGradeOf(row, entries),
            lastSeenAt: row.last_seen_at.toISOString(),
          },
        },
        ...entries.map((entry) => ({
          kind: entry.kind,
          recordedAt: entry.recorded_at.toISOString(),
          recordedBy: {
            organisationId: entry.recorded_by_organisation_id,
            organisationKind: entry.recorded_by_organisation_kind,
          },
          details: entry.details,
        })),
      ],
    };
  }
}

/** The grade at report time: before the first regrade, if there was one. */
function reportedGradeOf(row: MissingEpisodeRow, entries: EntryRow[]): unknown {
  const firstRegrade = entries.find((entry) => entry.kind === 'risk_regraded');
  return firstRegrade ? firstRegrade.details['previousRiskGrade'] : row.risk_grade;
}
