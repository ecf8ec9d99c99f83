import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteIdentifier, schemaOf } from '@harbour/platform';

/**
 * Missing episodes get a lifecycle (risk regrades, sightings and updates, found, the return home
 * interview) and their personal fields move to one encrypted column. Episodes reported before
 * this migration keep their report as it was stored.
 */
export class MissingEpisodeLifecycle1764400000000 implements MigrationInterface {
  name = 'MissingEpisodeLifecycle1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier(schemaOf(queryRunner.dataSource) ?? 'public');
    await queryRunner.query(`
      ALTER TABLE ${s}.missing_episode
        ADD COLUMN status text NOT NULL DEFAULT 'missing' CHECK (status IN ('missing', 'found')),
        ADD COLUMN found_at timestamptz,
        ADD COLUMN return_home_interview_due_by timestamptz,
        ADD COLUMN return_home_interview_outcome text,
        ADD COLUMN return_home_interview_completed_at timestamptz,
        ADD COLUMN return_home_interview_recorded_at timestamptz,
        ADD COLUMN personal_encrypted text,
        ADD COLUMN linked_referral_id uuid`);
    // The timeline after the report. details holds no personal data; a note, reason or
    // place description is in personal_encrypted (FieldCipher, context missing_episode_entry.personal).
    await queryRunner.query(`
      CREATE TABLE ${s}.missing_episode_entry (
        id uuid PRIMARY KEY,
        episode_id uuid NOT NULL REFERENCES ${s}.missing_episode (id),
        kind text NOT NULL
          CHECK (kind IN ('risk_regraded', 'updated', 'found', 'return_interview_recorded')),
        recorded_at timestamptz NOT NULL,
        recorded_by_organisation_id uuid NOT NULL,
        recorded_by_organisation_kind text NOT NULL,
        details jsonb NOT NULL,
        personal_encrypted text
      )`);
    await queryRunner.query(
      `CREATE INDEX missing_episode_entry_episode_idx ON ${s}.missing_episode_entry (episode_id, recorded_at)`,
    );
    // Found and the return home interview happen once per episode, whatever the application does.
    await queryRunner.query(
      `CREATE UNIQUE INDEX missing_episode_entry_once_idx ON ${s}.missing_episode_entry (episode_id, kind)
        WHERE kind IN ('found', 'return_interview_recorded')`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier(schemaOf(queryRunner.dataSource) ?? 'public');
    await queryRunner.query(`DROP TABLE IF EXISTS ${s}.missing_episode_entry`);
    await queryRunner.query(`
      ALTER TABLE ${s}.missing_episode
        DROP COLUMN status, DROP COLUMN found_at, DROP COLUMN return_home_interview_due_by,
        DROP COLUMN return_home_interview_outcome, DROP COLUMN return_home_interview_completed_at,
        DROP COLUMN return_home_interview_recorded_at, DROP COLUMN personal_encrypted,
        DROP COLUMN linked_referral_id`);
  }
}
