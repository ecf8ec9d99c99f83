import { createAuditLogTables, dropAuditLogTables, schemaOf } from '@harbour/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Intake's audit chain: every answer of its API that carried personal data (an operation's
 * address and lead contact to its planner, a bed request's names to its requester), who read
 * it and on which route. It lives beside the records so it commits with intake's own data.
 */
export class IntakeAuditLog1765250000000 implements MigrationInterface {
  name = 'IntakeAuditLog1765250000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createAuditLogTables(queryRunner, schemaOf(queryRunner.dataSource) ?? 'public');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropAuditLogTables(queryRunner, schemaOf(queryRunner.dataSource) ?? 'public');
  }
}
