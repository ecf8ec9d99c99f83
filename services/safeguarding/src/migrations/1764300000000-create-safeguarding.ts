import { createMessagingTables, dropMessagingTables } from '@harbour/messaging';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteIdentifier, schemaOf } from '@harbour/platform';

/** The safeguarding schema: every alert decision with the rule that made it, plus outbox/inbox. */
export class CreateSafeguarding1764300000000 implements MigrationInterface {
  name = 'CreateSafeguarding1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner.dataSource) ?? 'public';
    const s = quoteIdentifier(schema);
    await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await queryRunner.query(`
      CREATE TABLE ${s}.alert_decision (
        alert_id uuid PRIMARY KEY,
        cause_kind text NOT NULL,
        cause_id uuid NOT NULL,
        cause_event_id text NOT NULL,
        severity text NOT NULL,
        rule text NOT NULL,
        audience jsonb NOT NULL,
        acknowledge_within_minutes integer NOT NULL,
        decided_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX alert_decision_cause_idx ON ${s}.alert_decision (cause_kind, cause_id)`,
    );
    await createMessagingTables(queryRunner, schema);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner.dataSource) ?? 'public';
    const s = quoteIdentifier(schema);
    await dropMessagingTables(queryRunner, schema);
    await queryRunner.query(`DROP TABLE IF EXISTS ${s}.alert_decision`);
  }
}
