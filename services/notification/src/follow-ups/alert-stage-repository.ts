import { createHash } from 'node:crypto';
import type {
  AlertStageReleased,
  AlertSummary,
  DisclosureLevel,
  OrganisationKind,
} from '@harbour/contracts';
import { quoteIdentifier, schemaOf } from '@harbour/platform';
import type { DataSource, EntityManager } from 'typeorm';
import { ALERT_STATES, type AlertState, isLive } from '../domain/alert-state';
import { mayReceiveStage } from '../domain/follow-up-disclosure';
import { asDisclosureLevel, type ReleasedStage } from '../domain/follow-up-stage';
import { queryRows } from '@harbour/platform';

interface StageRow {
  id: string;
  level: DisclosureLevel;
  summary: AlertSummary;
  released_at: Date;
  roles: OrganisationKind[] | null;
}

/** A released stage as recorded, with the id its follow-up deliveries point at. */
export interface RecordedStage extends ReleasedStage {
  id: string;
  roles: OrganisationKind[] | null;
}

/**
 * Released disclosure stages (`alert_stage`), with their audit reason. An alert may release
 * several stages, even of one level (a Philomena profile for police, then a sighting note for
 * everyone cleared); a stage released again with the same content is the same stage.
 */
export class AlertStageRepository {
  private readonly table: string;
  private readonly alerts: string;

  constructor(private readonly dataSource: DataSource) {
    const schema = quoteIdentifier(schemaOf(dataSource) ?? 'public');
    this.table = `${schema}.alert_stage`;
    this.alerts = `${schema}.alert`;
  }

  /**
   * Records a released stage of a recorded alert and returns its id. Null when this stage (same
   * level, summary, release time and roles) was already released: the first release stands (its
   * follow-ups are already on their way).
   */
  async record(stage: AlertStageReleased, manager: EntityManager): Promise<string | null> {
    const rows = await queryRows<{ id: string }>(
      manager,
      `INSERT INTO ${this.table}
         (id, alert_id, level, summary, released_at, reason, roles, fingerprint)
       VALUES (gen_random_uuid(), $1, $2, $3::jsonb, $4, $5, $6::text[], $7)
       ON CONFLICT (alert_id, fingerprint) DO NOTHING
       RETURNING id`,
      [
        stage.alertId,
        stage.disclosure.level,
        JSON.stringify(stage.summary),
        stage.releasedAt,
        stage.reason,
        stage.roles === undefined ? null : [...stage.roles],
        stageFingerprint(stage),
      ],
    );
    return rows[0]?.id ?? null;
  }

  /**
   * `record`, in the same statement as reading the alert's state: the stage is recorded only
   * while the alert is live (`isLive`). `state` is null when the alert is not recorded (yet);
   * `stageId` null when the alert is not live or the stage was already released.
   */
  async recordIfLive(
    stage: AlertStageReleased,
    manager: EntityManager,
  ): Promise<{ state: AlertState | null; stageId: string | null }> {
    const rows = await queryRows<{ state: AlertState; stage_id: string | null }>(
      manager,
      `WITH found AS (
         SELECT id, state FROM ${this.alerts} WHERE id = $1
       ), recorded AS (
         INSERT INTO ${this.table}
           (id, alert_id, level, summary, released_at, reason, roles, fingerprint)
         SELECT gen_random_uuid(), found.id, $2, $3::jsonb, $4, $5, $6::text[], $7
           FROM found WHERE found.state = ANY($8::text[])
         ON CONFLICT (alert_id, fingerprint) DO NOTHING
         RETURNING id
       )
       SELECT state, (SELECT id FROM recorded) AS stage_id FROM found`,
      [
        stage.alertId,
        stage.disclosure.level,
        JSON.stringify(stage.summary),
        stage.releasedAt,
        stage.reason,
        stage.roles === undefined ? null : [...stage.roles],
        stageFingerprint(stage),
        ALERT_STATES.filter(isLive),
      ],
    );
    const row = rows[0];
    return row === undefined
      ? { state: null, stageId: null }
      : { state: row.state, stageId: row.stage_id };
  }

  /**
   * The released stage a follow-up delivery shows: by its id, or — for a follow-up recorded before
   * stages had ids — the one stage of its level. Null when there is none.
   */
  async find(
    ref: { alertId: string; level: DisclosureLevel; stageId: string | null },
    manager: EntityManager = this.dataSource.manager,
  ): Promise<RecordedStage | null> {
    const rows = await queryRows<StageRow>(
      manager,
      ref.stageId === null
        ? `SELECT id, level, summary, released_at, roles FROM ${this.table}
            WHERE alert_id = $1 AND level = $2 ORDER BY recorded_at LIMIT 1`
        : `SELECT id, level, summary, released_at, roles FROM ${this.table}
            WHERE alert_id = $1 AND level = $2 AND id = $3`,
      ref.stageId === null ? [ref.alertId, ref.level] : [ref.alertId, ref.level, ref.stageId],
    );
    const row = rows[0];
    return row === undefined
      ? null
      : {
          id: row.id,
          level: row.level,
          summary: row.summary,
          releasedAt: row.released_at.toISOString(),
          roles: row.roles,
        };
  }

  /**
   * The stage a follow-up delivery carried (its `stage` level and `stage_id`), if the
   * recipient's kind may still receive it now (`mayReceiveStage`: the level and the stage's
   * roles); null when it is gone, unknown or no longer for this kind — what a link page and
   * the details API show is checked again each time, never taken from the delivery alone.
   */
  async findCleared(
    delivery: { alertId: string; stage: string | null; stageId: string | null },
    recipientKind: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<RecordedStage | null> {
    const level = asDisclosureLevel(delivery.stage);
    if (level === null) return null;
    const stage = await this.find(
      { alertId: delivery.alertId, level, stageId: delivery.stageId },
      manager,
    );
    return stage !== null && mayReceiveStage(recipientKind, stage.level, stage.roles ?? undefined)
      ? stage
      : null;
  }
}

/**
 * What makes two releases the same stage: level, summary, release instant and roles (not the
 * audit reason). Key order and role order do not matter.
 */
export function stageFingerprint(stage: AlertStageReleased): string {
  const content = {
    level: stage.disclosure.level,
    releasedAt: new Date(stage.releasedAt).toISOString(),
    roles: stage.roles === undefined ? null : [...stage.roles].sort(),
    summary: stage.summary,
  };
  return `sha256:${createHash('sha256').update(canonicalJson(content)).digest('hex')}`;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
