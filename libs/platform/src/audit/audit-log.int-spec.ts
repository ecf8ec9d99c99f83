import {
  assertTestDatabase,
  createTestSchema,
  testDatabaseUrl,
  type TestSchema,
} from '@harbour/testing';
import { Client } from 'pg';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { runMigrationsLocked } from '../database/run-migrations-locked';
import { createServiceDataSource } from '../database/service-database';
import { schemaOf } from '../database/schema-of';
import { type NewAuditEntry, systemActor } from './audit-entry';
import { auditHash } from './audit-hash';
import { AuditLog, verifyAuditChain } from './audit-log';
import { createAuditLogTables } from './audit-log-tables';
import { withinTransaction } from './within-transaction';

jest.setTimeout(60_000);

class AuditOnly1765100000000 implements MigrationInterface {
  name = 'AuditOnly1765100000000';
  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner.dataSource) ?? 'public';
    await createAuditLogTables(queryRunner, schema);
    await queryRunner.query(`CREATE TABLE "${schema}".effect (id text PRIMARY KEY)`);
  }
  async down(): Promise<void> {}
}

const entry = (id: string): NewAuditEntry => ({
  actor: systemActor('test'),
  action: 'directory.organisation.added',
  resource: { kind: 'organisation', id },
  reason: 'test',
  details: { n: 1 },
});

describe('the audit chain in Postgres', () => {
  let schema: TestSchema;
  let dataSource: DataSource;
  let audit: AuditLog;
  let owner: Client;
  let table: string;

  beforeAll(async () => {
    assertTestDatabase(testDatabaseUrl());
    schema = await createTestSchema('audit_chain');
    table = `"${schema.schema}".audit_log`;
    dataSource = createServiceDataSource({
      service: 'audit-test',
      databaseUrl: schema.databaseUrl,
      schema: schema.schema,
      migrations: [AuditOnly1765100000000],
      poolSize: 12,
    });
    await runMigrationsLocked(dataSource, `harbour:${schema.schema}`);
    audit = new AuditLog(dataSource);
    owner = new Client({ connectionString: schema.databaseUrl });
    await owner.connect();
  });

  afterAll(async () => {
    await owner.end();
    await dataSource.destroy();
    await schema.drop();
  });

  /** The change and its entry, in one transaction; `fail` rolls both back. */
  const change = (id: string, fail = false): Promise<void> =>
    dataSource.transaction(async (manager) => {
      await manager.query(`INSERT INTO "${schema.schema}".effect (id) VALUES ($1)`, [id]);
      await audit.append(manager, entry(id));
      if (fail) throw new Error('the change fails after its entry was appended');
    });

  it('an entry exists exactly when its change committed', async () => {
    await change('kept');
    await expect(change('rolled-back', true)).rejects.toThrow('fails');
    await change('kept-too');
    const { entries } = await audit.page({ limit: 10 });
    expect(entries.map((e) => [e.seq, e.resource.id])).toEqual([
      [2, 'kept-too'],
      [1, 'kept'],
    ]);
    // The rolled-back entry took its seq with it: no gap.
    expect(await verifyAuditChain(dataSource)).toEqual({
      intact: true,
      entries: 2,
      head: { seq: 2, hash: entries[0]?.hash },
    });
  });

  it('refuses an append outside a transaction', async () => {
    await expect(audit.append(dataSource.manager, entry('loose'))).rejects.toThrow(
      'in the transaction',
    );
    await withinTransaction(dataSource.manager, (manager) =>
      audit.append(manager, entry('wrapped')),
    );
    expect((await audit.page({ limit: 1 })).entries[0]?.resource.id).toBe('wrapped');
  });

  it('keeps one unbroken chain under many concurrent appends', async () => {
    const before = (await audit.verify()) as { head: { seq: number } };
    const ids = Array.from({ length: 60 }, (_, i) => `parallel-${i}`);
    const outcomes = await Promise.allSettled(ids.map((id, i) => change(id, i % 7 === 3)));
    const committed = outcomes.filter((o) => o.status === 'fulfilled').length;
    expect(committed).toBe(ids.filter((_, i) => i % 7 !== 3).length);

    const verification = await audit.verify();
    expect(verification).toMatchObject({
      intact: true,
      head: { seq: before.head.seq + committed },
    });
    const seqs: number[] = [];
    for await (const e of audit.entries()) seqs.push(e.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    const effects = await owner.query<{ n: string }>(
      `SELECT count(*) AS n FROM "${schema.schema}".effect WHERE id LIKE 'parallel-%'`,
    );
    expect(Number(effects.rows[0]?.n)).toBe(committed);
  });

  it('refuses UPDATE, DELETE and TRUNCATE, and a head moved back', async () => {
    await expect(owner.query(`UPDATE ${table} SET reason = 'x' WHERE seq = 1`)).rejects.toThrow(
      'append-only: UPDATE refused',
    );
    await expect(owner.query(`DELETE FROM ${table} WHERE seq = 1`)).rejects.toThrow(
      'append-only: DELETE refused',
    );
    await expect(owner.query(`TRUNCATE ${table}`)).rejects.toThrow('append-only: TRUNCATE');
    await expect(
      owner.query(`UPDATE "${schema.schema}".audit_chain_head SET seq = seq - 1`),
    ).rejects.toThrow('only moves on');
    expect(await audit.verify()).toMatchObject({ intact: true });
  });

  it('pages newest first with filters', async () => {
    const all = await audit.page({ limit: 1000 });
    const first = await audit.page({ limit: 5 });
    expect(first.entries.map((e) => e.seq)).toEqual(all.entries.slice(0, 5).map((e) => e.seq));
    const second = await audit.page({ limit: 5, beforeSeq: first.next ?? 0 });
    expect(second.entries.map((e) => e.seq)).toEqual(all.entries.slice(5, 10).map((e) => e.seq));
    expect((await audit.page({ limit: 1000, resourceId: 'kept' })).entries).toHaveLength(1);
    expect((await audit.page({ limit: 1000, action: 'directory.' })).entries).toHaveLength(
      all.entries.length,
    );
    expect((await audit.page({ limit: 1000, action: 'key.' })).entries).toHaveLength(0);
    const future = new Date(Date.now() + 3_600_000);
    expect((await audit.page({ limit: 10, from: future })).entries).toHaveLength(0);
    expect((await audit.page({ limit: 10, to: future })).entries).toHaveLength(10);
  });

  it('detects a changed entry, a removed one and a rewritten chain once triggers are bypassed', async () => {
    const hashOf = async (seq: number): Promise<string> =>
      (await audit.page({ limit: 1, beforeSeq: seq + 1 })).entries[0]?.hash ?? '';
    const anchor = { seq: 3, hash: await hashOf(3) };
    expect(await audit.verify([anchor])).toMatchObject({ intact: true });

    await owner.query(`ALTER TABLE ${table} DISABLE TRIGGER audit_log_append_only`);
    await owner.query(`ALTER TABLE "${schema.schema}".audit_chain_head DISABLE TRIGGER USER`);
    try {
      // A chain rewritten from entry 3 on, every hash recomputed and the head moved with it:
      // the walk finds nothing, an anchor written down earlier does.
      await owner.query(`UPDATE ${table} SET details = '{"n": 3}' WHERE seq = 3`);
      let prevHash = await hashOf(2);
      for await (const e of audit.entries()) {
        if (e.seq < 3) continue;
        const hash = auditHash(prevHash, e);
        await owner.query(`UPDATE ${table} SET prev_hash = $1, hash = $2 WHERE seq = $3`, [
          prevHash,
          hash,
          e.seq,
        ]);
        prevHash = hash;
      }
      await owner.query(`UPDATE "${schema.schema}".audit_chain_head SET hash = $1`, [prevHash]);
      expect(await audit.verify()).toMatchObject({ intact: true });
      expect(await audit.verify([anchor])).toMatchObject({
        intact: false,
        brokenSeq: 3,
        problem: 'anchor',
      });

      // Changed contents: the hash no longer matches.
      await owner.query(`UPDATE ${table} SET details = '{"n": 2}' WHERE seq = 5`);
      expect(await audit.verify()).toMatchObject({ intact: false, brokenSeq: 5, problem: 'hash' });

      // Rehashed to match: the next entry's link breaks.
      const [fifth] = (await audit.page({ limit: 1, beforeSeq: 6 })).entries;
      if (fifth === undefined) throw new Error('no entry 5');
      await owner.query(`UPDATE ${table} SET hash = $1 WHERE seq = 5`, [
        auditHash(fifth.prevHash, fifth),
      ]);
      expect(await audit.verify()).toMatchObject({
        intact: false,
        brokenSeq: 6,
        problem: 'prev-hash',
      });

      // An entry removed: the gap is named.
      await owner.query(`DELETE FROM ${table} WHERE seq = 2`);
      expect(await audit.verify()).toMatchObject({ intact: false, brokenSeq: 2, problem: 'gap' });

      // The newest entries removed: the head still says they were there.
      await owner.query(`DELETE FROM ${table} WHERE seq >= 2`);
      expect(await audit.verify()).toMatchObject({
        intact: false,
        brokenSeq: 2,
        problem: 'missing',
      });
    } finally {
      await owner.query(`ALTER TABLE ${table} ENABLE TRIGGER audit_log_append_only`);
      await owner.query(`ALTER TABLE "${schema.schema}".audit_chain_head ENABLE TRIGGER USER`);
    }
  });
});
