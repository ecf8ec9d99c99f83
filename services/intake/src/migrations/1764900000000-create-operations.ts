import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteIdentifier, schemaOf } from '@harbour/platform';

/**
 * Planned operations and welfare visits, and what they found. The notice-level fields are clear
 * columns; the address and lead contact are in operational_encrypted (FieldCipher, context
 * operation.operational), the cancellation reason in cancellation_reason_encrypted (context
 * operation.cancellation_reason) and the planner's restricted notes in
 * restricted_notes_encrypted (context operation_outcome.restricted_notes). The outcome's
 * welfare findings are stored already redacted, as they are shared.
 */
export class CreateOperations1764900000000 implements MigrationInterface {
  name = 'CreateOperations1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier(schemaOf(queryRunner.dataSource) ?? 'public');
    await queryRunner.query(`
      CREATE TABLE ${s}.operation (
        id uuid PRIMARY KEY,
        planned_by_organisation_id uuid NOT NULL,
        planned_by_organisation_kind text NOT NULL,
        planned_at timestamptz NOT NULL,
        state text NOT NULL CHECK (state IN ('planned', 'cancelled', 'outcome_recorded')),
        revision integer NOT NULL CHECK (revision >= 1),
        updated_at timestamptz NOT NULL,
        kind text NOT NULL,
        premises_kind text NOT NULL,
        borough text NOT NULL,
        planned_start timestamptz NOT NULL,
        planned_end timestamptz NOT NULL CHECK (planned_end > planned_start),
        time_zone text NOT NULL,
        expected_people jsonb NOT NULL,
        children_likely boolean NOT NULL,
        expected_languages text[] NOT NULL,
        exploitation_types text[] NOT NULL,
        vulnerable_people_likely boolean NOT NULL,
        operational_encrypted text NOT NULL,
        cancelled_at timestamptz,
        cancelled_by_organisation_id uuid,
        cancelled_by_organisation_kind text,
        cancellation_reason_encrypted text
      )`);
    await queryRunner.query(
      `CREATE INDEX operation_planner_idx ON ${s}.operation (planned_by_organisation_id, planned_start DESC)`,
    );
    // One outcome per operation: the primary key holds even if two requests race.
    await queryRunner.query(`
      CREATE TABLE ${s}.operation_outcome (
        operation_id uuid PRIMARY KEY REFERENCES ${s}.operation (id),
        recorded_at timestamptz NOT NULL,
        recorded_by_organisation_id uuid NOT NULL,
        recorded_by_organisation_kind text NOT NULL,
        people_encountered integer NOT NULL,
        potential_victims_identified integer NOT NULL,
        children_identified integer,
        nrm_referrals_made integer NOT NULL,
        duty_to_notify_reports integer,
        arrests integer NOT NULL,
        welfare_findings jsonb,
        restricted_notes_encrypted text
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier(schemaOf(queryRunner.dataSource) ?? 'public');
    await queryRunner.query(`DROP TABLE IF EXISTS ${s}.operation_outcome`);
    await queryRunner.query(`DROP TABLE IF EXISTS ${s}.operation`);
  }
}
