import {
  createRetentionIndexes,
  dropRetentionIndexes,
  quoteIdentifier,
  schemaOf,
} from '@harbour/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention (docs/retention.md): bed requests and offers erased to a statistical shell are
 * stamped `erased_at` (so the purge never erases one twice), and the messaging tables get
 * indexes on the instants their retention clock starts. Each purge run is recorded in
 * accommodation's audit chain (AccommodationAuditLog1765250000000).
 */
export class AccommodationRetention1765300000000 implements MigrationInterface {
  name = 'AccommodationRetention1765300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner.dataSource) ?? 'public';
    const s = quoteIdentifier(schema);
    await queryRunner.query(`ALTER TABLE ${s}.bed_request ADD COLUMN erased_at timestamptz`);
    await queryRunner.query(`ALTER TABLE ${s}.offer ADD COLUMN erased_at timestamptz`);
    await createRetentionIndexes(queryRunner, schema);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner.dataSource) ?? 'public';
    const s = quoteIdentifier(schema);
    await dropRetentionIndexes(queryRunner, schema);
    await queryRunner.query(`ALTER TABLE ${s}.offer DROP COLUMN erased_at`);
    await queryRunner.query(`ALTER TABLE ${s}.bed_request DROP COLUMN erased_at`);
  }
}
