import { quoteIdentifier, schemaOf } from '@harbour/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An alert names the organisation that owns its cause (`cause.ownerOrganisationId`, e.g. an
 * operation's planner), which may read the alerts of that cause, their deliveries and partners'
 * responses (`GET /v1/causes/{kind}/{id}/alerts`). Older alerts have none (null): only
 * coordinators read them. Alerts are looked up by cause, so the cause gets an index.
 */
export class AlertCauseOwner1764900000000 implements MigrationInterface {
  name = 'AlertCauseOwner1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier(schemaOf(queryRunner.dataSource) ?? 'public');
    await queryRunner.query(
      `ALTER TABLE ${s}.alert ADD COLUMN cause_owner_organisation_id uuid NULL`,
    );
    // The stored cause is the request's own: any alert that already named an owner keeps it.
    await queryRunner.query(`
      UPDATE ${s}.alert SET cause_owner_organisation_id = (cause->>'ownerOrganisationId')::uuid
       WHERE cause ? 'ownerOrganisationId'`);
    // UUIDs compare case-insensitively: the lookup lower-cases both sides.
    await queryRunner.query(
      `CREATE INDEX alert_cause_idx ON ${s}.alert ((cause->>'kind'), lower(cause->>'id'))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier(schemaOf(queryRunner.dataSource) ?? 'public');
    await queryRunner.query(`DROP INDEX IF EXISTS ${s}.alert_cause_idx`);
    await queryRunner.query(`ALTER TABLE ${s}.alert DROP COLUMN cause_owner_organisation_id`);
  }
}
