import { createMessagingTables, dropMessagingTables } from '@harbour/messaging';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteIdentifier, schemaOf } from '@harbour/platform';

/** The intake schema: missing episodes, idempotency records, and the messaging outbox/inbox. */
export class CreateIntake1764300000000 implements MigrationInterface {
  name = 'CreateIntake1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner.dataSource) ?? 'public';
    const s = quoteIdentifier(schema);
    await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await queryRunner.query(`
      CREATE TABLE ${s}.missing_episode (
        id uuid PRIMARY KEY,
        reported_by_organisation_id uuid NOT NULL,
        reported_by_organisation_kind text NOT NULL,
        reported_at timestamptz NOT NULL,
        borough text NOT NULL,
        risk_grade text NOT NULL,
        is_child boolean NOT NULL,
        trafficking_markers text[] NOT NULL,
        last_seen_at timestamptz NOT NULL,
        report jsonb NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX missing_episode_reporter_idx ON ${s}.missing_episode (reported_by_organisation_id, reported_at DESC)`,
    );
    // One row per (organisation, Idempotency-Key): the first response, replayed byte for byte
    // to retries (text, not jsonb, which would reorder the keys).
    await queryRunner.query(`
      CREATE TABLE ${s}.idempotency_record (
        organisation_id uuid NOT NULL,
        idempotency_key text NOT NULL,
        request_hash text NOT NULL,
        response_status integer,
        response_body text,
        response_location text,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (organisation_id, idempotency_key)
      )`);
    await createMessagingTables(queryRunner, schema);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner.dataSource) ?? 'public';
    const s = quoteIdentifier(schema);
    await dropMessagingTables(queryRunner, schema);
    await queryRunner.query(`DROP TABLE IF EXISTS ${s}.idempotency_record`);
    await queryRunner.query(`DROP TABLE IF EXISTS ${s}.missing_episode`);
  }
}
