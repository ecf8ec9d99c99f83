import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteIdentifier, schemaOf } from '@harbour/platform';

/**
 * Safeguarding's own record of cases, so it can link and close what it alerted about:
 * - `referral_case`: NRM referrals and Duty to Notify reports (personal fields encrypted, never
 *   for Duty to Notify) and their decisions;
 * - `missing_episode` and `episode_alert`: episodes and every alert raised about each (the
 *   missing alert and the ones that superseded it, the return home interview reminder);
 * - `person_key`: blind indexes that link records of one person without storing who;
 * - `known_victim_location`: blind indexes of postcodes and addresses linked to cases;
 * - `known_victim_check`: the audit of every known-victim check.
 * No column holds a name, date of birth, postcode or address in clear.
 */
export class CasesAndKnownVictimIndex1764800000000 implements MigrationInterface {
  name = 'CasesAndKnownVictimIndex1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier(schemaOf(queryRunner.dataSource) ?? 'public');
    await queryRunner.query(`
      CREATE TABLE ${s}.referral_case (
        referral_id uuid PRIMARY KEY,
        mechanism text NOT NULL CHECK (mechanism IN ('nrm', 'duty_to_notify')),
        is_child boolean NOT NULL,
        age_disputed boolean NOT NULL,
        borough text NOT NULL,
        share_with text[] NOT NULL DEFAULT '{}',
        status text NOT NULL CHECK (status IN ('open', 'closed')),
        submitted_at timestamptz NOT NULL,
        support_ends_on date,
        personal_encrypted text,
        submitted_event_id text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT duty_to_notify_keeps_nothing_personal
          CHECK (mechanism = 'nrm' OR personal_encrypted IS NULL)
      )`);
    await queryRunner.query(`
      CREATE TABLE ${s}.referral_decision (
        referral_id uuid NOT NULL REFERENCES ${s}.referral_case (referral_id),
        stage text NOT NULL CHECK (stage IN ('reasonable_grounds', 'conclusive_grounds')),
        outcome text NOT NULL CHECK (outcome IN ('positive', 'negative')),
        decided_on date NOT NULL,
        move_on_deadline date,
        event_id text NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (referral_id, stage)
      )`);
    await queryRunner.query(`
      CREATE TABLE ${s}.missing_episode (
        episode_id uuid PRIMARY KEY,
        status text NOT NULL CHECK (status IN ('missing', 'found')),
        is_child boolean NOT NULL,
        age_years integer,
        age_disputed boolean NOT NULL,
        gender text NOT NULL,
        borough text NOT NULL,
        risk_grade text NOT NULL,
        trafficking_markers text[] NOT NULL,
        markers_linked_by_harbour text[] NOT NULL DEFAULT '{}',
        reported_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL,
        found_at timestamptz,
        previous_episode_id uuid REFERENCES ${s}.missing_episode (episode_id),
        episodes_in_last_12_months integer NOT NULL DEFAULT 1,
        personal_encrypted text,
        return_interview_recorded_at timestamptz,
        reported_event_id text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE ${s}.episode_alert (
        alert_id uuid PRIMARY KEY,
        episode_id uuid NOT NULL REFERENCES ${s}.missing_episode (episode_id),
        purpose text NOT NULL CHECK (purpose IN ('missing', 'return_home_interview')),
        severity text NOT NULL,
        state text NOT NULL CHECK (state IN ('open', 'superseded', 'cancelled')),
        superseded_by uuid,
        requested_at timestamptz NOT NULL DEFAULT now(),
        closed_at timestamptz
      )`);
    // One open alert per purpose: the episode's current alert, and its reminder.
    await queryRunner.query(
      `CREATE UNIQUE INDEX episode_alert_one_open_idx ON ${s}.episode_alert (episode_id, purpose)
        WHERE state = 'open'`,
    );
    await queryRunner.query(`
      CREATE TABLE ${s}.person_key (
        case_kind text NOT NULL CHECK (case_kind IN ('referral', 'missing_episode')),
        case_id uuid NOT NULL,
        purpose text NOT NULL,
        blind_index text NOT NULL,
        PRIMARY KEY (case_kind, case_id, purpose)
      )`);
    await queryRunner.query(
      `CREATE INDEX person_key_lookup_idx ON ${s}.person_key (blind_index, case_kind)`,
    );
    await queryRunner.query(`
      CREATE TABLE ${s}.known_victim_location (
        id bigserial PRIMARY KEY,
        case_kind text NOT NULL CHECK (case_kind IN ('referral', 'missing_episode')),
        case_id uuid NOT NULL,
        source text NOT NULL CHECK (source IN ('referral', 'last_seen', 'sighting')),
        postcode_index text,
        address_index text,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        CHECK (postcode_index IS NOT NULL OR address_index IS NOT NULL)
      )`);
    await queryRunner.query(
      `CREATE INDEX known_victim_location_postcode_idx ON ${s}.known_victim_location (postcode_index)`,
    );
    await queryRunner.query(
      `CREATE INDEX known_victim_location_address_idx ON ${s}.known_victim_location (address_index)`,
    );
    await queryRunner.query(`
      CREATE TABLE ${s}.known_victim_check (
        check_id uuid PRIMARY KEY,
        organisation_id uuid NOT NULL,
        organisation_kind text NOT NULL,
        api_key_id text NOT NULL,
        checked_at timestamptz NOT NULL DEFAULT now(),
        postcode_index text,
        address_index text,
        matched boolean NOT NULL,
        matched_on text[] NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = quoteIdentifier(schemaOf(queryRunner.dataSource) ?? 'public');
    for (const table of [
      'known_victim_check',
      'known_victim_location',
      'person_key',
      'episode_alert',
      'missing_episode',
      'referral_decision',
      'referral_case',
    ]) {
      await queryRunner.query(`DROP TABLE IF EXISTS ${s}.${table}`);
    }
  }
}
