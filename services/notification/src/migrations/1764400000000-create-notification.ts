import { createMessagingTables, dropMessagingTables } from '@harbour/messaging';
import { ORGANISATION_KINDS, quoteIdentifier, schemaOf } from '@harbour/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DELIVERY_STATUSES } from '../domain/delivery';

const sqlList = (values: readonly string[]): string => values.map((v) => `'${v}'`).join(', ');

/**
 * The partner directory (organisations and their contacts), alerts with one delivery per
 * contact, and the messaging outbox/inbox. The schema name comes from the DataSource.
 */
export class CreateNotification1764400000000 implements MigrationInterface {
  name = 'CreateNotification1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier(schemaOf(queryRunner.dataSource) ?? 'public');
    await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    // Same id as the organisation in the identity store: one organisation, two views of it.
    await queryRunner.query(`
      CREATE TABLE ${s}.organisation (
        id uuid PRIMARY KEY,
        name text NOT NULL CHECK (btrim(name) <> ''),
        kind text NOT NULL CHECK (kind IN (${sqlList(ORGANISATION_KINDS)})),
        boroughs text[] NOT NULL CHECK (cardinality(boroughs) > 0),
        specialisms text[] NOT NULL DEFAULT '{}',
        languages text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX organisation_kind_idx ON ${s}.organisation (kind)`);
    await queryRunner.query(`
      CREATE TABLE ${s}.contact (
        id uuid PRIMARY KEY,
        organisation_id uuid NOT NULL REFERENCES ${s}.organisation (id),
        channel text NOT NULL CHECK (channel IN ('email')),
        address text NOT NULL CHECK (btrim(address) <> ''),
        label text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (organisation_id, channel, address)
      )`);
    await queryRunner.query(`
      CREATE TABLE ${s}.alert (
        id uuid PRIMARY KEY,
        cause jsonb NOT NULL,
        severity text NOT NULL CHECK (severity IN ('critical', 'high', 'informational')),
        acknowledge_within_minutes integer NOT NULL CHECK (acknowledge_within_minutes > 0),
        requested_at timestamptz NOT NULL,
        acknowledge_by timestamptz NOT NULL,
        disclosure_level text NOT NULL,
        summary jsonb NOT NULL,
        audience jsonb NOT NULL,
        escalation_policy jsonb NULL,
        state text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'acknowledged', 'cancelled')),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE ${s}.delivery (
        id uuid PRIMARY KEY,
        alert_id uuid NOT NULL REFERENCES ${s}.alert (id),
        organisation_id uuid NOT NULL REFERENCES ${s}.organisation (id),
        contact_id uuid NOT NULL REFERENCES ${s}.contact (id),
        channel text NOT NULL,
        address text NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN (${sqlList(DELIVERY_STATUSES)})),
        attempts integer NOT NULL DEFAULT 0,
        message_id text NOT NULL UNIQUE,
        matched_rule text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        enqueued_at timestamptz NULL,
        sent_at timestamptz NULL,
        failed_at timestamptz NULL,
        last_error text NULL,
        UNIQUE (alert_id, contact_id),
        CHECK (status <> 'sent' OR sent_at IS NOT NULL),
        CHECK (status <> 'failed' OR failed_at IS NOT NULL)
      )`);
    // The dispatcher only ever looks for pending deliveries, oldest-armed first.
    await queryRunner.query(
      `CREATE INDEX delivery_pending_idx ON ${s}.delivery (enqueued_at NULLS FIRST, created_at)
        WHERE status = 'pending'`,
    );
    await queryRunner.query(`CREATE INDEX delivery_alert_idx ON ${s}.delivery (alert_id)`);
    await createMessagingTables(queryRunner, schemaOf(queryRunner.dataSource) ?? 'public');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner.dataSource) ?? 'public';
    const s = quoteIdentifier(schema);
    await dropMessagingTables(queryRunner, schema);
    await queryRunner.query(`DROP TABLE IF EXISTS ${s}.delivery`);
    await queryRunner.query(`DROP TABLE IF EXISTS ${s}.alert`);
    await queryRunner.query(`DROP TABLE IF EXISTS ${s}.contact`);
    await queryRunner.query(`DROP TABLE IF EXISTS ${s}.organisation`);
  }
}
