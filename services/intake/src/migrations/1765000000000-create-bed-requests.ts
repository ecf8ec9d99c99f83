import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteIdentifier, schemaOf } from '@harbour/platform';

/**
 * Bed requests: what a first responder or coordinator asked for, as intake recorded and
 * published it. The needs, urgency window and exclusion zones are clear columns (no names in
 * them); the names and date of birth given are in person_encrypted (FieldCipher, context
 * bed_request.person), null when none was given. Matching and placement live in the
 * accommodation service; intake only knows whether the requester withdrew the request.
 */
export class CreateBedRequests1765000000000 implements MigrationInterface {
  name = 'CreateBedRequests1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier(schemaOf(queryRunner.dataSource) ?? 'public');
    await queryRunner.query(`
      CREATE TABLE ${s}.bed_request (
        id uuid PRIMARY KEY,
        submitted_by_organisation_id uuid NOT NULL,
        submitted_by_organisation_kind text NOT NULL,
        submitted_at timestamptz NOT NULL,
        borough text NOT NULL,
        needs jsonb NOT NULL,
        urgency_kind text NOT NULL CHECK (urgency_kind IN ('tonight', 'within_days', 'planned')),
        needed_by timestamptz NOT NULL,
        match_by timestamptz NOT NULL,
        exclusion_zones jsonb NOT NULL,
        referral_id uuid REFERENCES ${s}.referral (id),
        person_encrypted text,
        state text NOT NULL CHECK (state IN ('submitted', 'withdrawn')),
        withdrawn_at timestamptz,
        withdrawn_by_organisation_id uuid,
        withdrawn_by_organisation_kind text,
        withdrawal_reason text,
        CHECK ((state = 'withdrawn') = (withdrawn_at IS NOT NULL))
      )`);
    await queryRunner.query(
      `CREATE INDEX bed_request_submitter_idx ON ${s}.bed_request (submitted_by_organisation_id, submitted_at DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX bed_request_referral_idx ON ${s}.bed_request (referral_id) WHERE referral_id IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier(schemaOf(queryRunner.dataSource) ?? 'public');
    await queryRunner.query(`DROP TABLE IF EXISTS ${s}.bed_request`);
  }
}
