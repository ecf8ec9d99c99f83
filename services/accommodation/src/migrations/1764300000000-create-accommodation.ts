import { createMessagingTables, dropMessagingTables } from '@harbour/messaging';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteIdentifier, schemaOf } from '@harbour/platform';

/** The accommodation schema. Vacancies, bed requests and holds arrive with their own issue. */
export class CreateAccommodation1764300000000 implements MigrationInterface {
  name = 'CreateAccommodation1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner.dataSource) ?? 'public';
    const s = quoteIdentifier(schema);
    await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await createMessagingTables(queryRunner, schema);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropMessagingTables(queryRunner, schemaOf(queryRunner.dataSource) ?? 'public');
  }
}
