import { createAuditLogTables, dropAuditLogTables, schemaOf } from '@harbour/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notification's audit chain: disclosures above `notice` as they are sent, acknowledgements,
 * and directory changes, each appended in the transaction of what it records (docs/audit.md).
 */
export class AuditLog1765100000000 implements MigrationInterface {
  name = 'AuditLog1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createAuditLogTables(queryRunner, schemaOf(queryRunner.dataSource) ?? 'public');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropAuditLogTables(queryRunner, schemaOf(queryRunner.dataSource) ?? 'public');
  }
}
