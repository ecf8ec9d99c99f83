import { quoteIdentifier, schemaOf } from '@harbour/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A recipient's inbox (`GET /v1/alerts`) and its view of one alert (`GET /v1/alerts/{id}/details`,
 * acknowledgements) find deliveries by organisation; only `delivery (alert_id)` was indexed, so
 * the inbox read every delivery of every alert.
 */
export class DeliveryOrganisationIndex1766300000000 implements MigrationInterface {
  name = 'DeliveryOrganisationIndex1766300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier(schemaOf(queryRunner.dataSource) ?? 'public');
    await queryRunner.query(
      `CREATE INDEX delivery_organisation_idx ON ${s}.delivery (organisation_id, alert_id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier(schemaOf(queryRunner.dataSource) ?? 'public');
    await queryRunner.query(`DROP INDEX IF EXISTS ${s}.delivery_organisation_idx`);
  }
}
