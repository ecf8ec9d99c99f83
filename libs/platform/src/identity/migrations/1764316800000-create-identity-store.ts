import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '../../database/schema-of';
import { quoteIdentifier } from '../../database/sql-identifier';
import { ORGANISATION_KINDS, ROLES } from '../organisation-kind';

const sqlList = (values: readonly string[]): string => values.map((v) => `'${v}'`).join(', ');

/** Organisations and their API keys; the schema name comes from the DataSource (tests override it). */
export class CreateIdentityStore1764316800000 implements MigrationInterface {
  name = 'CreateIdentityStore1764316800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = quoteIdentifier(schemaOf(queryRunner.dataSource) ?? 'public');
    await queryRunner.query(`
      CREATE TABLE ${schema}.organisation (
        id uuid PRIMARY KEY,
        name text NOT NULL CHECK (btrim(name) <> ''),
        kind text NOT NULL CHECK (kind IN (${sqlList(ORGANISATION_KINDS)})),
        boroughs text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE ${schema}.api_key (
        id uuid PRIMARY KEY,
        prefix text NOT NULL UNIQUE,
        secret_hash text NOT NULL,
        organisation_id uuid NOT NULL REFERENCES ${schema}.organisation (id),
        roles text[] NOT NULL CHECK (cardinality(roles) > 0 AND roles <@ ARRAY[${sqlList(ROLES)}]),
        label text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NULL,
        revoked_at timestamptz NULL,
        last_used_at timestamptz NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX api_key_organisation_idx ON ${schema}.api_key (organisation_id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = quoteIdentifier(schemaOf(queryRunner.dataSource) ?? 'public');
    await queryRunner.query(`DROP TABLE ${schema}.api_key`);
    await queryRunner.query(`DROP TABLE ${schema}.organisation`);
  }
}
