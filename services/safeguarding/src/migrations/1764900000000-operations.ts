import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteIdentifier, schemaOf } from '@harbour/platform';

/**
 * Planned operations and their timers:
 * - `operation`: the latest revision of each plan — its notice-level state in clear (borough,
 *   date window, kinds, expected people, needs), its start for scheduling, and the operational
 *   detail (address, exact times, lead contact) encrypted;
 * - `operation_alert`: every alert raised about an operation, its rule and whether it is live;
 * - `scheduled_action`: timers (release of the operational detail, displacement watch), fired by
 *   a poller that claims due rows with `FOR UPDATE SKIP LOCKED`; one that keeps failing is retried
 *   with a back-off, then set aside (`failed_at`, `last_error`: error name and message only);
 * - `alert_decision.owner_organisation_id`: the organisation that owns an alert's cause.
 * No column holds an address, postcode or lead contact in clear.
 */
export class Operations1764900000000 implements MigrationInterface {
  name = 'Operations1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier(schemaOf(queryRunner.dataSource) ?? 'public');
    await queryRunner.query(
      `ALTER TABLE ${s}.alert_decision ADD COLUMN owner_organisation_id uuid`,
    );
    await queryRunner.query(`
      CREATE TABLE ${s}.operation (
        operation_id uuid PRIMARY KEY,
        planner_organisation_id uuid NOT NULL,
        planner_kind text NOT NULL,
        status text NOT NULL CHECK (status IN ('planned', 'cancelled', 'completed')),
        revision integer NOT NULL CHECK (revision >= 1),
        notice jsonb NOT NULL,
        starts_at timestamptz NOT NULL,
        operational_encrypted text NOT NULL,
        planned_at timestamptz NOT NULL,
        last_event_id text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE ${s}.operation_alert (
        alert_id uuid PRIMARY KEY,
        operation_id uuid NOT NULL REFERENCES ${s}.operation (operation_id),
        rule text NOT NULL,
        title text NOT NULL,
        state text NOT NULL CHECK (state IN ('live', 'superseded', 'cancelled')),
        superseded_by uuid,
        requested_at timestamptz NOT NULL DEFAULT now(),
        closed_at timestamptz
      )`);
    // One live alert per rule: the one an update supersedes or a cancellation closes.
    await queryRunner.query(
      `CREATE UNIQUE INDEX operation_alert_one_live_idx ON ${s}.operation_alert (operation_id, rule)
        WHERE state = 'live'`,
    );
    await queryRunner.query(`
      CREATE TABLE ${s}.scheduled_action (
        id uuid PRIMARY KEY,
        operation_id uuid NOT NULL REFERENCES ${s}.operation (operation_id),
        kind text NOT NULL CHECK (kind IN ('operational_release', 'displacement_watch')),
        alert_id uuid,
        rule text NOT NULL,
        cause_event_id text NOT NULL,
        revision integer NOT NULL,
        due_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        fired_at timestamptz,
        cancelled_at timestamptz,
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        failed_at timestamptz,
        CHECK (num_nonnulls(fired_at, cancelled_at, failed_at) <= 1),
        CHECK (kind <> 'operational_release' OR alert_id IS NOT NULL)
      )`);
    await queryRunner.query(
      `CREATE INDEX scheduled_action_due_idx ON ${s}.scheduled_action (due_at)
        WHERE fired_at IS NULL AND cancelled_at IS NULL AND failed_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX scheduled_action_operation_idx ON ${s}.scheduled_action (operation_id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier(schemaOf(queryRunner.dataSource) ?? 'public');
    for (const table of ['scheduled_action', 'operation_alert', 'operation']) {
      await queryRunner.query(`DROP TABLE IF EXISTS ${s}.${table}`);
    }
    await queryRunner.query(
      `ALTER TABLE ${s}.alert_decision DROP COLUMN IF EXISTS owner_organisation_id`,
    );
  }
}
