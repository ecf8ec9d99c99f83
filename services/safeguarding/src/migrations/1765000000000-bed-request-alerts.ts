import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteIdentifier, schemaOf } from '@harbour/platform';

/**
 * Bed requests as accommodation reports them:
 * - `bed_offer_alert`: one row per offer (its id is the key, so a replayed offer raises nothing),
 *   the alert sent to its provider, and whether that alert is still live — an expiry, a decline or
 *   the placement closes it once. An offer that ended before safeguarding heard of it (its offer
 *   event dead-lettered) is a closed row without an alert, so a late replay raises nothing;
 * - `bed_request_outcome`: one row per request and outcome (placed, unmatched), so the requester
 *   is told each once — a request the coordinator places after it went unmatched is told both.
 * Ids and states only: the needs travel in the alerts, never a name.
 */
export class BedRequestAlerts1765000000000 implements MigrationInterface {
  name = 'BedRequestAlerts1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier(schemaOf(queryRunner.dataSource) ?? 'public');
    await queryRunner.query(`
      CREATE TABLE ${s}.bed_offer_alert (
        offer_id uuid PRIMARY KEY,
        request_id uuid NOT NULL,
        provider_organisation_id uuid NOT NULL,
        alert_id uuid UNIQUE,
        state text NOT NULL CHECK (state IN ('live', 'closed')),
        close_reason text,
        offered_event_id text,
        closed_event_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        closed_at timestamptz,
        CHECK ((state = 'closed') = (closed_at IS NOT NULL)),
        CHECK (state = 'closed' OR offered_event_id IS NOT NULL)
      )`);
    await queryRunner.query(
      `CREATE INDEX bed_offer_alert_request_idx ON ${s}.bed_offer_alert (request_id)`,
    );
    await queryRunner.query(`
      CREATE TABLE ${s}.bed_request_outcome (
        request_id uuid NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('placed', 'unmatched')),
        placement_id uuid,
        requester_organisation_id uuid NOT NULL,
        event_id text NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (request_id, outcome),
        CHECK ((outcome = 'placed') = (placement_id IS NOT NULL))
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier(schemaOf(queryRunner.dataSource) ?? 'public');
    for (const table of ['bed_request_outcome', 'bed_offer_alert']) {
      await queryRunner.query(`DROP TABLE IF EXISTS ${s}.${table}`);
    }
  }
}
