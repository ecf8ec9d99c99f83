import type { RiskGrade, Severity } from '@harbour/contracts';
import { quoteIdentifier } from '@harbour/platform';
import type { EntityManager } from 'typeorm';
import type { EarlierEpisode } from '../domain/repeat-episodes';

export interface NewMissingEpisode {
  episodeId: string;
  isChild: boolean;
  ageYears?: number;
  ageDisputed: boolean;
  gender: string;
  borough: string;
  riskGrade: RiskGrade;
  traffickingMarkers: string[];
  markersLinkedByHarbour: string[];
  reportedAt: string;
  lastSeenAt: string;
  previousEpisodeId?: string;
  episodesInLast12Months: number;
  personalEncrypted?: string;
  reportedEventId: string;
}

export interface MissingEpisodeRecord {
  episodeId: string;
  status: 'missing' | 'found';
  isChild: boolean;
  ageYears?: number;
  ageDisputed: boolean;
  gender: string;
  borough: string;
  riskGrade: RiskGrade;
  traffickingMarkers: string[];
  markersLinkedByHarbour: string[];
  lastSeenAt: string;
  episodesInLast12Months: number;
  previous?: EarlierEpisode;
  personalEncrypted?: string;
}

export type EpisodeAlertPurpose = 'missing' | 'return_home_interview';

export interface EpisodeAlert {
  alertId: string;
  purpose: EpisodeAlertPurpose;
  severity: Severity;
  state: 'open' | 'superseded' | 'cancelled';
}

interface EpisodeRow {
  episode_id: string;
  status: 'missing' | 'found';
  is_child: boolean;
  age_years: number | null;
  age_disputed: boolean;
  gender: string;
  borough: string;
  risk_grade: RiskGrade;
  trafficking_markers: string[];
  markers_linked_by_harbour: string[];
  last_seen_at: Date;
  episodes_in_last_12_months: number;
  previous_episode_id: string | null;
  previous_reported_at: Date | null;
  personal_encrypted: string | null;
}

/** Safeguarding's record of missing episodes and of every alert raised about each. */
export class MissingEpisodeStore {
  private readonly schema: string;

  constructor(schema: string) {
    this.schema = quoteIdentifier(schema);
  }

  /** False when the episode was already recorded (the same report delivered again). */
  async insert(manager: EntityManager, episode: NewMissingEpisode): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `INSERT INTO ${this.schema}.missing_episode
         (episode_id, status, is_child, age_years, age_disputed, gender, borough, risk_grade,
          trafficking_markers, markers_linked_by_harbour, reported_at, last_seen_at,
          previous_episode_id, episodes_in_last_12_months, personal_encrypted, reported_event_id)
       VALUES ($1, 'missing', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
       ON CONFLICT (episode_id) DO NOTHING
       RETURNING episode_id`,
      [
        episode.episodeId,
        episode.isChild,
        episode.ageYears ?? null,
        episode.ageDisputed,
        episode.gender,
        episode.borough,
        episode.riskGrade,
        episode.traffickingMarkers,
        episode.markersLinkedByHarbour,
        episode.reportedAt,
        episode.lastSeenAt,
        episode.previousEpisodeId ?? null,
        episode.episodesInLast12Months,
        episode.personalEncrypted ?? null,
        episode.reportedEventId,
      ],
    );
    return rows.length > 0;
  }

  /** The episode, locked for the rest of the transaction (its events are handled one at a time). */
  async find(manager: EntityManager, episodeId: string): Promise<MissingEpisodeRecord | undefined> {
    const rows = await manager.query<EpisodeRow[]>(
      `SELECT e.episode_id, e.status, e.is_child, e.age_years, e.age_disputed, e.gender, e.borough,
              e.risk_grade, e.trafficking_markers, e.markers_linked_by_harbour, e.last_seen_at,
              e.episodes_in_last_12_months, e.previous_episode_id,
              p.reported_at AS previous_reported_at, e.personal_encrypted
         FROM ${this.schema}.missing_episode e
         LEFT JOIN ${this.schema}.missing_episode p ON p.episode_id = e.previous_episode_id
        WHERE e.episode_id = $1
          FOR UPDATE OF e`,
      [episodeId],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    return {
      episodeId: row.episode_id,
      status: row.status,
      isChild: row.is_child,
      ...(row.age_years !== null ? { ageYears: row.age_years } : {}),
      ageDisputed: row.age_disputed,
      gender: row.gender,
      borough: row.borough,
      riskGrade: row.risk_grade,
      traffickingMarkers: row.trafficking_markers,
      markersLinkedByHarbour: row.markers_linked_by_harbour,
      lastSeenAt: row.last_seen_at.toISOString(),
      episodesInLast12Months: row.episodes_in_last_12_months,
      ...(row.previous_episode_id !== null && row.previous_reported_at !== null
        ? {
            previous: {
              episodeId: row.previous_episode_id,
              reportedAt: row.previous_reported_at.toISOString(),
            },
          }
        : {}),
      ...(row.personal_encrypted !== null ? { personalEncrypted: row.personal_encrypted } : {}),
    };
  }

  /** Other episodes sharing one of these person keys (blind indexes). */
  async episodesOfSamePerson(
    manager: EntityManager,
    blindIndexes: readonly string[],
    excludeEpisodeId: string,
  ): Promise<EarlierEpisode[]> {
    if (blindIndexes.length === 0) return [];
    const rows = await manager.query<{ episode_id: string; reported_at: Date }[]>(
      `SELECT DISTINCT e.episode_id, e.reported_at
         FROM ${this.schema}.person_key k
         JOIN ${this.schema}.missing_episode e ON e.episode_id = k.case_id
        WHERE k.case_kind = 'missing_episode' AND k.blind_index = ANY($1::text[])
          AND e.episode_id <> $2`,
      [blindIndexes, excludeEpisodeId],
    );
    return rows.map((r) => ({ episodeId: r.episode_id, reportedAt: r.reported_at.toISOString() }));
  }

  /** Episodes still missing that share one of these person keys and lack `marker`. */
  async missingWithoutMarker(
    manager: EntityManager,
    blindIndexes: readonly string[],
    marker: string,
  ): Promise<string[]> {
    if (blindIndexes.length === 0) return [];
    const rows = await manager.query<{ episode_id: string }[]>(
      `SELECT DISTINCT e.episode_id
         FROM ${this.schema}.person_key k
         JOIN ${this.schema}.missing_episode e ON e.episode_id = k.case_id
        WHERE k.case_kind = 'missing_episode' AND k.blind_index = ANY($1::text[])
          AND e.status = 'missing' AND NOT ($2 = ANY(e.trafficking_markers))
        ORDER BY e.episode_id`,
      [blindIndexes, marker],
    );
    return rows.map((r) => r.episode_id);
  }

  /** Adds a marker Harbour derived (not the reporter) to an episode. */
  async addLinkedMarker(manager: EntityManager, episodeId: string, marker: string): Promise<void> {
    await manager.query(
      `UPDATE ${this.schema}.missing_episode
          SET trafficking_markers = array_append(trafficking_markers, $2),
              markers_linked_by_harbour = array_append(markers_linked_by_harbour, $2),
              updated_at = now()
        WHERE episode_id = $1 AND NOT ($2 = ANY(trafficking_markers))`,
      [episodeId, marker],
    );
  }

  async setRiskGrade(manager: EntityManager, episodeId: string, grade: RiskGrade): Promise<void> {
    await manager.query(
      `UPDATE ${this.schema}.missing_episode SET risk_grade = $2, updated_at = now()
        WHERE episode_id = $1`,
      [episodeId, grade],
    );
  }

  async markFound(manager: EntityManager, episodeId: string, foundAt: string): Promise<void> {
    await manager.query(
      `UPDATE ${this.schema}.missing_episode SET status = 'found', found_at = $2, updated_at = now()
        WHERE episode_id = $1`,
      [episodeId, foundAt],
    );
  }

  async markReturnInterviewRecorded(
    manager: EntityManager,
    episodeId: string,
    at: string,
  ): Promise<void> {
    await manager.query(
      `UPDATE ${this.schema}.missing_episode
          SET return_interview_recorded_at = $2, updated_at = now()
        WHERE episode_id = $1`,
      [episodeId, at],
    );
  }

  async addAlert(
    manager: EntityManager,
    episodeId: string,
    alert: { alertId: string; purpose: EpisodeAlertPurpose; severity: Severity },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.schema}.episode_alert (alert_id, episode_id, purpose, severity, state)
       VALUES ($1, $2, $3, $4, 'open')`,
      [alert.alertId, episodeId, alert.purpose, alert.severity],
    );
  }

  async alerts(manager: EntityManager, episodeId: string): Promise<EpisodeAlert[]> {
    const rows = await manager.query<
      {
        alert_id: string;
        purpose: EpisodeAlertPurpose;
        severity: Severity;
        state: EpisodeAlert['state'];
      }[]
    >(
      `SELECT alert_id, purpose, severity, state FROM ${this.schema}.episode_alert
        WHERE episode_id = $1 ORDER BY requested_at, alert_id`,
      [episodeId],
    );
    return rows.map((r) => ({
      alertId: r.alert_id,
      purpose: r.purpose,
      severity: r.severity,
      state: r.state,
    }));
  }

  async markSuperseded(manager: EntityManager, alertId: string, by: string): Promise<void> {
    await manager.query(
      `UPDATE ${this.schema}.episode_alert SET state = 'superseded', superseded_by = $2
        WHERE alert_id = $1`,
      [alertId, by],
    );
  }

  async markCancelled(manager: EntityManager, alertId: string): Promise<void> {
    await manager.query(
      `UPDATE ${this.schema}.episode_alert SET state = 'cancelled', closed_at = now()
        WHERE alert_id = $1`,
      [alertId],
    );
  }
}
