import {
  createRetentionIndexes,
  dropRetentionIndexes,
  quoteIdentifier,
  schemaOf,
} from '@harbour/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention (docs/retention.md): records erased to a statistical shell are stamped `erased_at`
 * (so the purge never erases one twice, and readers can tell a shell from a record); a
 * referral's encrypted personal column may now be empty; the messaging tables get indexes on
 * the instants their retention clock starts. The purge records each run in intake's audit chain
 * (IntakeAuditLog1765250000000).
 */
export class IntakeRetention1765300000000 implements MigrationInterface {
  name = 'IntakeRetention1765300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner.dataSource) ?? 'public';
    const s = quoteIdentifier(schema);
    await queryRunner.query(`
      ALTER TABLE ${s}.referral
        ALTER COLUMN personal_encrypted DROP NOT NULL,
        ADD COLUMN erased_at timestamptz`);
    await queryRunner.query(`ALTER TABLE ${s}.missing_episode ADD COLUMN erased_at timestamptz`);
    await queryRunner.query(`ALTER TABLE ${s}.bed_request ADD COLUMN erased_at timestamptz`);
    await createRetentionIndexes(queryRunner, schema);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner.dataSource) ?? 'public';
    const s = quoteIdentifier(schema);
    await dropRetentionIndexes(queryRunner, schema);
    await queryRunner.query(`ALTER TABLE ${s}.bed_request DROP COLUMN erased_at`);
    await queryRunner.query(`ALTER TABLE ${s}.missing_episode DROP COLUMN erased_at`);
    // Erased referrals have no personal column to restore: down keeps the column nullable.
    await queryRunner.query(`ALTER TABLE ${s}.referral DROP COLUMN erased_at`);
  }
}
