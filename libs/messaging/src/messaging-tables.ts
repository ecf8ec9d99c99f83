import type { QueryRunner } from 'typeorm';
import { inboxTable, outboxTable, quoteSchema } from './sql-identifiers';

/**
 * Creates `<schema>.outbox` and `<schema>.inbox`; services call it from their own migrations.
 * Safe to run twice.
 */
export async function createMessagingTables(
  queryRunner: QueryRunner,
  schema: string,
): Promise<void> {
  const s = quoteSchema(schema);
  await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
  await queryRunner.query(`
    CREATE TABLE IF NOT EXISTS ${outboxTable(schema)} (
      seq          bigserial   PRIMARY KEY,
      id           uuid        NOT NULL UNIQUE,
      topic        text        NOT NULL,
      key          text        NOT NULL,
      type         text        NOT NULL,
      source       text        NOT NULL,
      subject      text        NULL,
      time         timestamptz NOT NULL,
      data         jsonb       NOT NULL,
      headers      jsonb       NOT NULL DEFAULT '{}'::jsonb,
      created_at   timestamptz NOT NULL DEFAULT now(),
      published_at timestamptz NULL,
      attempts     integer     NOT NULL DEFAULT 0,
      last_error   text        NULL
    )`);
  // The relay only ever reads unpublished rows in seq order; keep that scan tiny.
  await queryRunner.query(
    `CREATE INDEX IF NOT EXISTS outbox_unpublished_idx ON ${outboxTable(schema)} (seq) WHERE published_at IS NULL`,
  );
  await queryRunner.query(`
    CREATE TABLE IF NOT EXISTS ${inboxTable(schema)} (
      consumer     text        NOT NULL,
      source       text        NOT NULL,
      event_id     text        NOT NULL,
      event_type   text        NOT NULL,
      topic        text        NOT NULL,
      processed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (consumer, source, event_id)
    )`);
}

export async function dropMessagingTables(queryRunner: QueryRunner, schema: string): Promise<void> {
  await queryRunner.query(`DROP TABLE IF EXISTS ${inboxTable(schema)}`);
  await queryRunner.query(`DROP TABLE IF EXISTS ${outboxTable(schema)}`);
}
