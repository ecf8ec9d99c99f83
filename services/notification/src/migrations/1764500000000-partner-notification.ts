import { quoteIdentifier, schemaOf } from '@harbour/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Partner notification proper: webhook contacts with signing secrets and out-of-hours contacts,
 * organisation age groups and duty hours, a delivery log, acknowledgements, and escalation timers
 * (Postgres rows with due times — the truth that BullMQ delayed jobs and the sweep act on).
 */
export class PartnerNotification1764500000000 implements MigrationInterface {
  name = 'PartnerNotification1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier(schemaOf(queryRunner.dataSource) ?? 'public');

    await queryRunner.query(`
      ALTER TABLE ${s}.organisation
        ADD COLUMN age_groups text[] NOT NULL DEFAULT '{}'
          CHECK (age_groups <@ ARRAY['child', 'adult']::text[]),
        ADD COLUMN duty_hours jsonb NULL`);

    // A webhook contact's address is its URL; its secret signs every request (Standard Webhooks).
    await queryRunner.query(
      `ALTER TABLE ${s}.contact DROP CONSTRAINT IF EXISTS contact_channel_check`,
    );
    await queryRunner.query(`
      ALTER TABLE ${s}.contact
        ADD CONSTRAINT contact_channel_check CHECK (channel IN ('email', 'webhook')),
        ADD COLUMN secret text NULL,
        ADD COLUMN out_of_hours boolean NOT NULL DEFAULT false,
        ADD CONSTRAINT contact_webhook_secret_check CHECK (channel <> 'webhook' OR secret IS NOT NULL)`);

    // A contact can now receive several deliveries of one alert: the alert itself, each
    // escalation level and loop, and each released disclosure stage.
    await queryRunner.query(
      `ALTER TABLE ${s}.delivery DROP CONSTRAINT IF EXISTS delivery_alert_id_contact_id_key`,
    );
    await queryRunner.query(`
      ALTER TABLE ${s}.delivery
        ADD COLUMN purpose text NOT NULL DEFAULT 'alert'
          CHECK (purpose IN ('alert', 'escalation', 'follow_up')),
        ADD COLUMN escalation_level integer NULL,
        ADD COLUMN escalation_loop integer NULL,
        ADD COLUMN stage text NULL,
        ADD COLUMN provider_response text NULL`);
    await queryRunner.query(`
      CREATE UNIQUE INDEX delivery_once_idx ON ${s}.delivery
        (alert_id, contact_id, purpose, coalesce(escalation_level, -1), coalesce(escalation_loop, -1), coalesce(stage, ''))`);

    // The delivery log: every step of every delivery, for the coordinator and for audit.
    await queryRunner.query(`
      CREATE TABLE ${s}.delivery_event (
        id bigserial PRIMARY KEY,
        delivery_id uuid NOT NULL REFERENCES ${s}.delivery (id),
        alert_id uuid NOT NULL REFERENCES ${s}.alert (id),
        event text NOT NULL CHECK (event IN ('queued', 'sent', 'retrying', 'failed')),
        detail text NULL,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX delivery_event_alert_idx ON ${s}.delivery_event (alert_id, at)`,
    );

    await queryRunner.query(`
      ALTER TABLE ${s}.alert
        ADD COLUMN acknowledged_at timestamptz NULL,
        ADD CONSTRAINT alert_acknowledged_check CHECK (state <> 'acknowledged' OR acknowledged_at IS NOT NULL)`);

    // Who acknowledged, when, how, and what they can bring. One per organisation and alert; the
    // first one stops escalation. token_id makes an e-mailed link single-use.
    await queryRunner.query(`
      CREATE TABLE ${s}.acknowledgement (
        id uuid PRIMARY KEY,
        alert_id uuid NOT NULL REFERENCES ${s}.alert (id),
        organisation_id uuid NOT NULL REFERENCES ${s}.organisation (id),
        via text NOT NULL CHECK (via IN ('link', 'api')),
        actor text NOT NULL,
        response text NULL CHECK (response IS NULL OR char_length(response) <= 500),
        token_id text NULL UNIQUE,
        acknowledged_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (alert_id, organisation_id)
      )`);

    // Escalation timers: one row per (alert, level, loop), fired at most once.
    await queryRunner.query(`
      CREATE TABLE ${s}.escalation_timer (
        id uuid PRIMARY KEY,
        alert_id uuid NOT NULL REFERENCES ${s}.alert (id),
        level integer NOT NULL CHECK (level >= 0),
        loop integer NOT NULL CHECK (loop >= 0),
        due_at timestamptz NOT NULL,
        state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'fired', 'cancelled')),
        enqueued_at timestamptz NULL,
        fired_at timestamptz NULL,
        UNIQUE (alert_id, level, loop),
        CHECK (state <> 'fired' OR fired_at IS NOT NULL)
      )`);
    await queryRunner.query(
      `CREATE INDEX escalation_timer_due_idx ON ${s}.escalation_timer (due_at) WHERE state = 'pending'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier(schemaOf(queryRunner.dataSource) ?? 'public');
    await queryRunner.query(`DROP TABLE IF EXISTS ${s}.escalation_timer`);
    await queryRunner.query(`DROP TABLE IF EXISTS ${s}.acknowledgement`);
    await queryRunner.query(`DROP TABLE IF EXISTS ${s}.delivery_event`);
    await queryRunner.query(
      `ALTER TABLE ${s}.alert DROP CONSTRAINT IF EXISTS alert_acknowledged_check, DROP COLUMN IF EXISTS acknowledged_at`,
    );
    await queryRunner.query(`DROP INDEX IF EXISTS ${s}.delivery_once_idx`);
    await queryRunner.query(`
      ALTER TABLE ${s}.delivery
        DROP COLUMN purpose, DROP COLUMN escalation_level, DROP COLUMN escalation_loop,
        DROP COLUMN stage, DROP COLUMN provider_response,
        ADD CONSTRAINT delivery_alert_id_contact_id_key UNIQUE (alert_id, contact_id)`);
    await queryRunner.query(`
      ALTER TABLE ${s}.contact
        DROP CONSTRAINT contact_webhook_secret_check, DROP CONSTRAINT contact_channel_check,
        DROP COLUMN secret, DROP COLUMN out_of_hours,
        ADD CONSTRAINT contact_channel_check CHECK (channel IN ('email'))`);
    await queryRunner.query(
      `ALTER TABLE ${s}.organisation DROP COLUMN age_groups, DROP COLUMN duty_hours`,
    );
  }
}
