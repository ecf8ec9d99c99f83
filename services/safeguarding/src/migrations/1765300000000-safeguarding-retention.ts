import {
  createAuditLogTables,
  createRetentionIndexes,
  dropAuditLogTables,
  dropRetentionIndexes,
  hasAuditLogTables,
  quoteIdentifier,
  schemaOf,
} from '@harbour/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention (docs/retention.md): cases erased to a statistical shell are stamped `erased_at` (so
 * the purge never erases one twice); the messaging tables get indexes on the instants their
 * retention clock starts; and safeguarding gets its own audit chain, where each purge run is
 * recorded with its counts (it had none: its known-victim checks keep their own table).
 */
export class SafeguardingRetention1765300000000 implements MigrationInterface {
  name = 'SafeguardingRetention1765300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner.dataSource) ?? 'public';
    const s = quoteIdentifier(schema);
    await queryRunner.query(`ALTER TABLE ${s}.referral_case ADD COLUMN erased_at timestamptz`);
    await queryRunner.query(`ALTER TABLE ${s}.missing_episode ADD COLUMN erased_at timestamptz`);
    await createRetentionIndexes(queryRunner, schema);
    // Another change may have given safeguarding its chain first; one chain per schema.
    if (!(await hasAuditLogTables(queryRunner, schema))) {
      await createAuditLogTables(queryRunner, schema);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner.dataSource) ?? 'public';
    const s = quoteIdentifier(schema);
    await dropAuditLogTables(queryRunner, schema);
    await dropRetentionIndexes(queryRunner, schema);
    await queryRunner.query(`ALTER TABLE ${s}.missing_episode DROP COLUMN erased_at`);
    await queryRunner.query(`ALTER TABLE ${s}.referral_case DROP COLUMN erased_at`);
  }
}
