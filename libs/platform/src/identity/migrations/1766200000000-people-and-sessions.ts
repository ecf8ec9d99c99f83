import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '../../database/schema-of';
import { quoteIdentifier } from '../../database/sql-identifier';
import { ROLES } from '../organisation-kind';

const sqlList = (values: readonly string[]): string => values.map((v) => `'${v}'`).join(', ');

/**
 * People who sign in to the console, their single-use sign-in links and their sessions. A person
 * belongs to one organisation and acts as its principal, like an API key. The e-mail address is
 * personal data: stored encrypted, found by a blind index, never in plain text. Links and
 * sessions are stored as SHA-256 hashes of 256-bit tokens, never the tokens.
 */
export class PeopleAndSessions1766200000000 implements MigrationInterface {
  name = 'PeopleAndSessions1766200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = quoteIdentifier(schemaOf(queryRunner.dataSource) ?? 'public');
    await queryRunner.query(`
      CREATE TABLE ${schema}.person (
        id uuid PRIMARY KEY,
        organisation_id uuid NOT NULL REFERENCES ${schema}.organisation (id),
        email_index text NOT NULL UNIQUE,
        email_encrypted text NOT NULL,
        roles text[] NOT NULL CHECK (cardinality(roles) > 0 AND roles <@ ARRAY[${sqlList(ROLES)}]),
        created_at timestamptz NOT NULL DEFAULT now(),
        disabled_at timestamptz NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX person_organisation_idx ON ${schema}.person (organisation_id)`,
    );
    await queryRunner.query(`
      CREATE TABLE ${schema}.sign_in_link (
        id uuid PRIMARY KEY,
        token_hash text NOT NULL UNIQUE,
        person_id uuid NOT NULL REFERENCES ${schema}.person (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX sign_in_link_person_idx ON ${schema}.sign_in_link (person_id, created_at)`,
    );
    await queryRunner.query(`
      CREATE TABLE ${schema}.person_session (
        id uuid PRIMARY KEY,
        token_hash text NOT NULL UNIQUE,
        person_id uuid NOT NULL REFERENCES ${schema}.person (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        idle_minutes integer NOT NULL CHECK (idle_minutes > 0),
        idle_expires_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz NULL,
        CHECK (idle_expires_at <= expires_at)
      )`);
    await queryRunner.query(
      `CREATE INDEX person_session_person_idx ON ${schema}.person_session (person_id) WHERE revoked_at IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = quoteIdentifier(schemaOf(queryRunner.dataSource) ?? 'public');
    await queryRunner.query(`DROP TABLE ${schema}.person_session`);
    await queryRunner.query(`DROP TABLE ${schema}.sign_in_link`);
    await queryRunner.query(`DROP TABLE ${schema}.person`);
  }
}
