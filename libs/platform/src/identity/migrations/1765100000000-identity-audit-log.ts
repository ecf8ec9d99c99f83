import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createAuditLogTables, dropAuditLogTables } from '../../audit/audit-log-tables';
import { schemaOf } from '../../database/schema-of';

/**
 * The identity store's own audit chain: keys issued and revoked, organisations added. It lives
 * beside the keys so each entry commits in the transaction of the change it records.
 */
export class IdentityAuditLog1765100000000 implements MigrationInterface {
  name = 'IdentityAuditLog1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createAuditLogTables(queryRunner, schemaOf(queryRunner.dataSource) ?? 'public');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropAuditLogTables(queryRunner, schemaOf(queryRunner.dataSource) ?? 'public');
  }
}
