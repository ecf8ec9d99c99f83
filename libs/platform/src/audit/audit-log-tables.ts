import type { QueryRunner } from 'typeorm';
import { quoteIdentifier } from '../database/sql-identifier';
import { GENESIS_HASH } from './audit-hash';

/**
 * Creates a schema's audit chain, from a migration (each service's, and the identity store's):
 * `audit_log`, one row per entry, which a trigger keeps append-only (UPDATE, DELETE and TRUNCATE
 * are refused), and `audit_chain_head`, one row holding the last seq and hash. Appends lock the
 * head row, so they are serialized and seq is gap-free; a trigger lets the head only move on by
 * one, never back. The table owner can still disable triggers: verification is what detects that.
 */
export async function createAuditLogTables(
  queryRunner: QueryRunner,
  schema: string,
): Promise<void> {
  const s = quoteIdentifier(schema);
  await queryRunner.query(`
    CREATE TABLE ${s}.audit_log (
      seq bigint PRIMARY KEY CHECK (seq > 0),
      at timestamptz NOT NULL,
      actor jsonb NOT NULL,
      action text NOT NULL,
      resource_kind text NOT NULL,
      resource_id text NOT NULL,
      reason text NOT NULL,
      details jsonb NOT NULL DEFAULT '{}',
      prev_hash text NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
      hash text NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$')
    )`);
  await queryRunner.query(`CREATE INDEX audit_log_at_idx ON ${s}.audit_log (at)`);
  await queryRunner.query(`CREATE INDEX audit_log_action_idx ON ${s}.audit_log (action, seq)`);
  await queryRunner.query(
    `CREATE INDEX audit_log_resource_idx ON ${s}.audit_log (resource_kind, resource_id, seq)`,
  );
  await queryRunner.query(`
    CREATE TABLE ${s}.audit_chain_head (
      only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
      seq bigint NOT NULL CHECK (seq >= 0),
      hash text NOT NULL
    )`);
  await queryRunner.query(`INSERT INTO ${s}.audit_chain_head (seq, hash) VALUES (0, $1)`, [
    GENESIS_HASH,
  ]);
  await queryRunner.query(`
    CREATE FUNCTION ${s}.audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
        USING ERRCODE = 'restrict_violation';
    END $$`);
  await queryRunner.query(`
    CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON ${s}.audit_log
      FOR EACH ROW EXECUTE FUNCTION ${s}.audit_log_refuse_change()`);
  await queryRunner.query(`
    CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON ${s}.audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION ${s}.audit_log_refuse_change()`);
  await queryRunner.query(`
    CREATE FUNCTION ${s}.audit_chain_head_moves_on() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP <> 'UPDATE' OR NEW.seq <> OLD.seq + 1 THEN
        RAISE EXCEPTION 'the audit chain head only moves on by one entry'
          USING ERRCODE = 'restrict_violation';
      END IF;
      RETURN NEW;
    END $$`);
  await queryRunner.query(`
    CREATE TRIGGER audit_chain_head_moves_on BEFORE UPDATE OR DELETE ON ${s}.audit_chain_head
      FOR EACH ROW EXECUTE FUNCTION ${s}.audit_chain_head_moves_on()`);
}

/** Undoes `createAuditLogTables` (a migration's `down`; the entries are lost). */
export async function dropAuditLogTables(queryRunner: QueryRunner, schema: string): Promise<void> {
  const s = quoteIdentifier(schema);
  await queryRunner.query(`DROP TABLE IF EXISTS ${s}.audit_chain_head`);
  await queryRunner.query(`DROP TABLE IF EXISTS ${s}.audit_log`);
  await queryRunner.query(`DROP FUNCTION IF EXISTS ${s}.audit_chain_head_moves_on()`);
  await queryRunner.query(`DROP FUNCTION IF EXISTS ${s}.audit_log_refuse_change()`);
}
