import { quoteIdentifier, schemaOf } from '@harbour/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Released disclosure stages of an alert: the summary safeguarding cleared for that level, when
 * and why. Follow-up deliveries (`delivery.purpose = 'follow_up'`, `delivery.stage = level`) are
 * rendered from this row, never from the alert's original summary. One row per alert and level.
 */
export class AlertStages1764600000000 implements MigrationInterface {
  name = 'AlertStages1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier(schemaOf(queryRunner.dataSource) ?? 'public');
    await queryRunner.query(`
      CREATE TABLE ${s}.alert_stage (
        alert_id uuid NOT NULL REFERENCES ${s}.alert (id),
        level text NOT NULL CHECK (level IN ('notice', 'operational', 'personal')),
        summary jsonb NOT NULL,
        released_at timestamptz NOT NULL,
        reason text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 500),
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (alert_id, level)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier(schemaOf(queryRunner.dataSource) ?? 'public');
    await queryRunner.query(`DROP TABLE IF EXISTS ${s}.alert_stage`);
  }
}
