import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteIdentifier, schemaOf } from '@harbour/platform';

/**
 * NRM referrals and Duty to Notify records, and the decisions on them. Nothing personal is in a
 * clear column: names, date of birth, nationality, narrative, addresses and the responder are in
 * personal_encrypted (FieldCipher, context referral.personal); a Duty to Notify record holds
 * only the responder there, the identifying fields having been discarded before storage.
 */
export class CreateReferrals1764500000000 implements MigrationInterface {
  name = 'CreateReferrals1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier(schemaOf(queryRunner.dataSource) ?? 'public');
    await queryRunner.query(`
      CREATE TABLE ${s}.referral (
        id uuid PRIMARY KEY,
        submitted_by_organisation_id uuid NOT NULL,
        submitted_by_organisation_kind text NOT NULL,
        submitted_at timestamptz NOT NULL,
        submitted_on date NOT NULL,
        mechanism text NOT NULL CHECK (mechanism IN ('nrm', 'duty_to_notify')),
        borough text NOT NULL,
        subject jsonb NOT NULL,
        exploitation_types text[] NOT NULL,
        languages text[] NOT NULL,
        indicators jsonb NOT NULL,
        locations jsonb NOT NULL,
        consent jsonb NOT NULL,
        accommodation_need jsonb,
        personal_encrypted text NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX referral_submitter_idx ON ${s}.referral (submitted_by_organisation_id, submitted_at DESC)`,
    );
    // One decision per stage: the primary key holds even if two requests race.
    await queryRunner.query(`
      CREATE TABLE ${s}.referral_decision (
        referral_id uuid NOT NULL REFERENCES ${s}.referral (id),
        stage text NOT NULL CHECK (stage IN ('reasonable_grounds', 'conclusive_grounds')),
        outcome text NOT NULL CHECK (outcome IN ('positive', 'negative')),
        decided_on date NOT NULL,
        support_ends_on date,
        move_on_deadline date,
        move_on_deadline_rule text,
        recorded_at timestamptz NOT NULL,
        recorded_by_organisation_id uuid NOT NULL,
        recorded_by_organisation_kind text NOT NULL,
        PRIMARY KEY (referral_id, stage)
      )`);
    await queryRunner.query(`
      ALTER TABLE ${s}.missing_episode
        ADD CONSTRAINT missing_episode_linked_referral_fk
        FOREIGN KEY (linked_referral_id) REFERENCES ${s}.referral (id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier(schemaOf(queryRunner.dataSource) ?? 'public');
    await queryRunner.query(
      `ALTER TABLE ${s}.missing_episode DROP CONSTRAINT IF EXISTS missing_episode_linked_referral_fk`,
    );
    await queryRunner.query(`DROP TABLE IF EXISTS ${s}.referral_decision`);
    await queryRunner.query(`DROP TABLE IF EXISTS ${s}.referral`);
  }
}
