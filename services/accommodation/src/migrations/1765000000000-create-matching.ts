import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteIdentifier, schemaOf } from '@harbour/platform';

/**
 * Properties and their availability history, bed requests (names encrypted), offers with their
 * holds, placements, and idempotency records. No bed is double-booked: `available_beds` can
 * never go below 0, a request has at most one placement, an offer at most one placement.
 */
export class CreateMatching1765000000000 implements MigrationInterface {
  name = 'CreateMatching1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier(schemaOf(queryRunner.dataSource) ?? 'public');
    // Only the postcode district: a refuge's address is never stored.
    await queryRunner.query(`
      CREATE TABLE ${s}.property (
        id uuid PRIMARY KEY,
        provider_organisation_id uuid NOT NULL,
        label text NOT NULL,
        borough text NOT NULL,
        postcode_district text NOT NULL,
        gender_served text NOT NULL CHECK (gender_served IN ('female', 'male', 'any')),
        ages text[] NOT NULL,
        children_accepted integer NOT NULL DEFAULT 0,
        accessibility text[] NOT NULL DEFAULT '{}',
        languages text[] NOT NULL DEFAULT '{}',
        support_level text NOT NULL,
        nrm_stages text[] NOT NULL,
        nrpf_accepted boolean NOT NULL,
        beds integer NOT NULL CHECK (beds >= 1),
        available_beds integer NOT NULL,
        availability_confirmed_at timestamptz NOT NULL,
        registered_at timestamptz NOT NULL,
        CONSTRAINT property_available_beds_in_range CHECK (available_beds >= 0 AND available_beds <= beds)
      )`);
    await queryRunner.query(
      `CREATE INDEX property_provider_idx ON ${s}.property (provider_organisation_id)`,
    );
    await queryRunner.query(`
      CREATE TABLE ${s}.availability_change (
        id bigserial PRIMARY KEY,
        property_id uuid NOT NULL REFERENCES ${s}.property (id),
        changed_at timestamptz NOT NULL,
        changed_by_organisation_id uuid NOT NULL,
        changed_by_key_id uuid,
        kind text NOT NULL CHECK (kind IN ('registered', 'changed', 'confirmed', 'placement')),
        available_before integer,
        available_after integer NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX availability_change_property_idx ON ${s}.availability_change (property_id, changed_at)`,
    );
    await queryRunner.query(`
      CREATE TABLE ${s}.bed_request (
        id uuid PRIMARY KEY,
        requester_organisation_id uuid NOT NULL,
        requester_organisation_kind text NOT NULL,
        borough text NOT NULL,
        needs jsonb NOT NULL,
        urgency jsonb NOT NULL,
        exclusion_zones jsonb NOT NULL,
        urgency_kind text NOT NULL,
        match_by timestamptz NOT NULL,
        person_encrypted text,
        referral_id uuid,
        submitted_at timestamptz NOT NULL,
        state text NOT NULL CHECK (state IN ('open', 'placed', 'unmatched', 'withdrawn')),
        closed_at timestamptz,
        closed_reason text,
        timer_attempts integer NOT NULL DEFAULT 0,
        timer_retry_at timestamptz,
        timer_last_error text
      )`);
    await queryRunner.query(
      `CREATE INDEX bed_request_open_match_by_idx ON ${s}.bed_request (match_by) WHERE state = 'open'`,
    );
    await queryRunner.query(`
      CREATE TABLE ${s}.offer (
        id uuid PRIMARY KEY,
        request_id uuid NOT NULL REFERENCES ${s}.bed_request (id),
        property_id uuid NOT NULL REFERENCES ${s}.property (id),
        provider_organisation_id uuid NOT NULL,
        rank integer NOT NULL,
        explanation jsonb NOT NULL,
        state text NOT NULL
          CHECK (state IN ('offered', 'accepted', 'declined', 'expired', 'withdrawn')),
        end_reason text,
        decline_reason text,
        offered_at timestamptz NOT NULL,
        hold_expires_at timestamptz NOT NULL,
        decided_at timestamptz,
        -- A provider is asked once per request.
        CONSTRAINT offer_one_per_provider UNIQUE (request_id, provider_organisation_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX offer_open_hold_idx ON ${s}.offer (hold_expires_at) WHERE state = 'offered'`,
    );
    await queryRunner.query(
      `CREATE INDEX offer_property_open_idx ON ${s}.offer (property_id) WHERE state = 'offered'`,
    );
    await queryRunner.query(
      `CREATE INDEX offer_provider_idx ON ${s}.offer (provider_organisation_id, offered_at DESC)`,
    );
    await queryRunner.query(`
      CREATE TABLE ${s}.placement (
        id uuid PRIMARY KEY,
        request_id uuid NOT NULL UNIQUE REFERENCES ${s}.bed_request (id),
        offer_id uuid NOT NULL UNIQUE REFERENCES ${s}.offer (id),
        property_id uuid NOT NULL REFERENCES ${s}.property (id),
        provider_organisation_id uuid NOT NULL,
        confirmed_at timestamptz NOT NULL
      )`);
    // The first response to an Idempotency-Key, replayed to retries. Encrypted: an acceptance's
    // answer carries the person's names.
    await queryRunner.query(`
      CREATE TABLE ${s}.idempotency_record (
        organisation_id uuid NOT NULL,
        idempotency_key text NOT NULL,
        request_hash text NOT NULL,
        response_encrypted text,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (organisation_id, idempotency_key)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier(schemaOf(queryRunner.dataSource) ?? 'public');
    for (const table of [
      'idempotency_record',
      'placement',
      'offer',
      'bed_request',
      'availability_change',
      'property',
    ]) {
      await queryRunner.query(`DROP TABLE IF EXISTS ${s}.${table}`);
    }
  }
}
