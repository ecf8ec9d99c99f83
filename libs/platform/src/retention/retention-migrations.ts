import type { QueryRunner } from 'typeorm';
import { quoteIdentifier } from '../database/sql-identifier';

/**
 * Indexes on the instants the messaging tables' retention clocks start, so a purge run finds
 * its batch without scanning every event a service ever sent or consumed. From a migration.
 */
export async function createRetentionIndexes(
  queryRunner: QueryRunner,
  schema: string,
): Promise<void> {
  const s = quoteIdentifier(schema);
  await queryRunner.query(
    `CREATE INDEX IF NOT EXISTS outbox_published_at_idx ON ${s}.outbox (published_at)
      WHERE published_at IS NOT NULL`,
  );
  await queryRunner.query(
    `CREATE INDEX IF NOT EXISTS inbox_processed_at_idx ON ${s}.inbox (processed_at)`,
  );
}

export async function dropRetentionIndexes(
  queryRunner: QueryRunner,
  schema: string,
): Promise<void> {
  const s = quoteIdentifier(schema);
  await queryRunner.query(`DROP INDEX IF EXISTS ${s}.inbox_processed_at_idx`);
  await queryRunner.query(`DROP INDEX IF EXISTS ${s}.outbox_published_at_idx`);
}

/** Whether `schema` already has its audit chain (an earlier migration may have made it). */
export async function hasAuditLogTables(
  queryRunner: QueryRunner,
  schema: string,
): Promise<boolean> {
  const rows = (await queryRunner.query(`SELECT to_regclass($1) IS NOT NULL AS present`, [
    `${quoteIdentifier(schema)}.audit_log`,
  ])) as { present: boolean }[];
  return rows[0]?.present === true;
}
