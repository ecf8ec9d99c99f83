import type { AlertStageReleased, AlertSummary, DisclosureLevel } from '@harbour/contracts';
import { quoteIdentifier, schemaOf } from '@harbour/platform';
import type { DataSource, EntityManager } from 'typeorm';
import type { ReleasedStage } from '../domain/follow-up-stage';
import { queryRows } from '../infrastructure/query-rows';

interface StageRow {
  level: DisclosureLevel;
  summary: AlertSummary;
  released_at: Date;
}

/** Released disclosure stages (`alert_stage`): one per alert and level, with its audit reason. */
export class AlertStageRepository {
  private readonly table: string;

  constructor(private readonly dataSource: DataSource) {
    this.table = `${quoteIdentifier(schemaOf(dataSource) ?? 'public')}.alert_stage`;
  }

  /**
   * Records a released stage of a recorded alert. False when this level of this alert was
   * already released: the first release stands (its follow-ups are already on their way).
   */
  async record(stage: AlertStageReleased, manager: EntityManager): Promise<boolean> {
    const rows = await queryRows<{ level: string }>(
      manager,
      `INSERT INTO ${this.table} (alert_id, level, summary, released_at, reason)
       VALUES ($1, $2, $3::jsonb, $4, $5)
       ON CONFLICT (alert_id, level) DO NOTHING
       RETURNING level`,
      [
        stage.alertId,
        stage.disclosure.level,
        JSON.stringify(stage.summary),
        stage.releasedAt,
        stage.reason,
      ],
    );
    return rows.length > 0;
  }

  /** The released stage a follow-up delivery shows, or null when that level was never released. */
  async find(
    alertId: string,
    level: DisclosureLevel,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<ReleasedStage | null> {
    const rows = await queryRows<StageRow>(
      manager,
      `SELECT level, summary, released_at FROM ${this.table} WHERE alert_id = $1 AND level = $2`,
      [alertId, level],
    );
    const row = rows[0];
    return row === undefined
      ? null
      : { level: row.level, summary: row.summary, releasedAt: row.released_at.toISOString() };
  }
}
