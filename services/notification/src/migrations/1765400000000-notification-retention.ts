import {
  createRetentionIndexes,
  dropRetentionIndexes,
  quoteIdentifier,
  schemaOf,
} from '@harbour/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention (docs/retention.md): indexes on the instants an alert's and the messaging tables'
 * retention clocks start, so a purge run finds its batch without scanning every alert and event.
 */
export class NotificationRetention1765400000000 implements MigrationInterface {
  name = 'NotificationRetention1765400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner.dataSource) ?? 'public';
    const s = quoteIdentifier(schema);
    await queryRunner.query(
      `CREATE INDEX alert_ended_idx ON ${s}.alert ((coalesce(closed_at, superseded_at)))
        WHERE state IN ('closed', 'superseded')`,
    );
    await createRetentionIndexes(queryRunner, schema);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner.dataSource) ?? 'public';
    await dropRetentionIndexes(queryRunner, schema);
    await queryRunner.query(`DROP INDEX IF EXISTS ${quoteIdentifier(schema)}.alert_ended_idx`);
  }
}
