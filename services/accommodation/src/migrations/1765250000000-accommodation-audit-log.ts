import { createAuditLogTables, dropAuditLogTables, schemaOf } from '@harbour/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accommodation's audit chain: every answer of its API that carried personal data (a placement's
 * names to the provider housing the person), who read it and on which route. It lives beside the records so it commits with accommodation's own data.
 */
export class AccommodationAuditLog1765250000000 implements MigrationInterface {
  name = 'AccommodationAuditLog1765250000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createAuditLogTables(queryRunner, schemaOf(queryRunner.dataSource) ?? 'public');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropAuditLogTables(queryRunner, schemaOf(queryRunner.dataSource) ?? 'public');
  }
}
