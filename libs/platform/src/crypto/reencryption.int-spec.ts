import { createCipheriv, hkdfSync, randomBytes, randomUUID } from 'node:crypto';
import {
  assertTestDatabase,
  createTestSchema,
  expectEventually,
  testDatabaseUrl,
  type TestSchema,
} from '@harbour/testing';
import { Client } from 'pg';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { runMigrationsLocked } from '../database/run-migrations-locked';
import { schemaOf } from '../database/schema-of';
import { createServiceDataSource } from '../database/service-database';
import type { Logger } from '../logging/logger';
import { dataKeyId, generateDataEncryptionKey } from './data-keys';
import { FieldCipher } from './field-cipher';
import { DataReencryption, type EncryptedColumn, type ReencryptionReport } from './reencryption';

jest.setTimeout(60_000);

/** A token as the cipher wrote it before rotation existed: `v1.<iv>.<tag>.<ct>`, no key id. */
function legacyV1Token(base64Key: string, plaintext: string, context: string): string {
  const master = Buffer.from(base64Key, 'base64');
  const key = Buffer.from(
    hkdfSync('sha256', master, Buffer.alloc(0), 'harbour field encryption', 32),
  );
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', ...[iv, cipher.getAuthTag(), body].map((part) => part.toString('base64url'))].join(
    '.',
  );
}

/** A service-like schema: a uuid key, a composite key, a nullable column and a blind index. */
class RotationTables1765300000000 implements MigrationInterface {
  name = 'RotationTables1765300000000';
  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${schemaOf(queryRunner.dataSource) ?? 'public'}"`;
    await queryRunner.query(`
      CREATE TABLE ${s}.person_case (
        id uuid PRIMARY KEY,
        personal_encrypted text NOT NULL,
        notes_encrypted text
      )`);
    await queryRunner.query(`
      CREATE TABLE ${s}.stored_reply (
        organisation_id uuid NOT NULL,
        idempotency_key text NOT NULL,
        response_encrypted text,
        PRIMARY KEY (organisation_id, idempotency_key)
      )`);
    await queryRunner.query(`
      CREATE TABLE ${s}.person_key (
        case_id uuid NOT NULL,
        blind_index text NOT NULL
      )`);
  }
  async down(): Promise<void> {}
}

const COLUMNS: readonly EncryptedColumn[] = [
  {
    table: 'person_case',
    idColumn: 'id',
    column: 'personal_encrypted',
    context: 'person_case.personal',
  },
  { table: 'person_case', idColumn: 'id', column: 'notes_encrypted', context: 'person_case.notes' },
  {
    table: 'stored_reply',
    idColumn: ['organisation_id', 'idempotency_key'],
    column: 'response_encrypted',
    context: 'stored_reply.response',
  },
];

interface LogLine {
  level: string;
  fields: Record<string, unknown>;
  message: string | undefined;
}

/** Keeps what the job logs, so the test can read its progress (and that it holds no values). */
class RecordingLogger implements Logger {
  readonly lines: LogLine[] = [];
  private record(level: string) {
    return (fields: object | string, message?: unknown) => {
      this.lines.push(
        typeof fields === 'string'
          ? { level, fields: {}, message: fields }
          : {
              level,
              fields: fields as Record<string, unknown>,
              message: typeof message === 'string' ? message : undefined,
            },
      );
    };
  }
  info = this.record('info');
  warn = this.record('warn');
  error = this.record('error');
  debug = this.record('debug');
  child(): Logger {
    return this;
  }
}

describe('re-encryption after a data-key rotation, in Postgres', () => {
  const k1 = generateDataEncryptionKey();
  const k2 = generateDataEncryptionKey();
  /** The service before the rotation: one key for everything (no config change needed). */
  const beforeRotation = FieldCipher.fromBase64Key(k1);
  /** Restarted with K2 current, K1 retired, the blind indexes pinned to K1. */
  const duringRotation = FieldCipher.fromConfig({
    DATA_ENCRYPTION_KEY: k2,
    DATA_ENCRYPTION_RETIRED_KEYS: [k1],
    DATA_INDEX_KEY: k1,
  });
  /** After the job said it was done, K1 removed from the retired list. */
  const afterRotation = FieldCipher.fromConfig({ DATA_ENCRYPTION_KEY: k2, DATA_INDEX_KEY: k1 });
  const k2Prefix = `v2.${dataKeyId(Buffer.from(k2, 'base64'))}.`;

  let schema: TestSchema;
  let dataSource: DataSource;
  let client: Client;
  let t: (table: string) => string;

  beforeAll(async () => {
    assertTestDatabase(testDatabaseUrl());
    schema = await createTestSchema('reencryption');
    t = (table) => `"${schema.schema}".${table}`;
    dataSource = createServiceDataSource({
      service: 'reencryption-test',
      databaseUrl: schema.databaseUrl,
      schema: schema.schema,
      migrations: [RotationTables1765300000000],
      poolSize: 4,
    });
    await runMigrationsLocked(dataSource, `harbour:${schema.schema}`);
    client = new Client({ connectionString: schema.databaseUrl });
    await client.connect();
  });

  afterAll(async () => {
    await client.end();
    await dataSource.destroy();
    await schema.drop();
  });

  const job = (cipher: FieldCipher, logger: Logger, extra: { batchSize?: number } = {}) =>
    new DataReencryption({
      dataSource,
      schema: schema.schema,
      cipher,
      columns: COLUMNS,
      logger,
      batchSize: extra.batchSize ?? 3,
      progressIntervalMs: 0,
      retryDelayMs: 50,
    });

  const allTokens = async (): Promise<string[]> => {
    const { rows } = await client.query<{ token: string }>(
      `SELECT personal_encrypted AS token FROM ${t('person_case')}
       UNION ALL SELECT notes_encrypted FROM ${t('person_case')} WHERE notes_encrypted IS NOT NULL
       UNION ALL SELECT response_encrypted FROM ${t('stored_reply')} WHERE response_encrypted IS NOT NULL`,
    );
    return rows.map((row) => row.token).sort();
  };

  const insertCase = async (cipher: FieldCipher, name: string, postcode: string) => {
    const id = randomUUID();
    await client.query(
      `INSERT INTO ${t('person_case')} (id, personal_encrypted, notes_encrypted) VALUES ($1, $2, $3)`,
      [
        id,
        cipher.encryptJson({ name, postcode }, 'person_case.personal'),
        // Nullable: every other case has no notes.
        name.endsWith('0') ? null : cipher.encrypt(`notes of ${name}`, 'person_case.notes'),
      ],
    );
    await client.query(`INSERT INTO ${t('person_key')} (case_id, blind_index) VALUES ($1, $2)`, [
      id,
      cipher.blindIndex(postcode, 'postcode'),
    ]);
    return id;
  };

  const casesAt = async (cipher: FieldCipher, postcode: string): Promise<string[]> => {
    const { rows } = await client.query<{ personal_encrypted: string }>(
      `SELECT c.personal_encrypted FROM ${t('person_case')} c
        JOIN ${t('person_key')} k ON k.case_id = c.id WHERE k.blind_index = $1`,
      [cipher.blindIndex(postcode, 'postcode')],
    );
    return rows
      .map(
        (row) =>
          (cipher.decryptJson(row.personal_encrypted, 'person_case.personal') as { name: string })
            .name,
      )
      .sort();
  };

  it('moves every token to the new key; rows decrypt, lookups match, a second run changes nothing', async () => {
    const names = Array.from({ length: 8 }, (_, i) => `Marker Person ${i}`);
    for (const [i, name] of names.entries()) {
      await insertCase(beforeRotation, name, i % 2 === 0 ? 'E151AA' : 'N11AA');
    }
    const organisation = randomUUID();
    for (const key of ['k-1', 'k-2', 'k-3', 'k-4']) {
      await client.query(
        `INSERT INTO ${t('stored_reply')} (organisation_id, idempotency_key, response_encrypted)
         VALUES ($1, $2, $3)`,
        [
          organisation,
          key,
          key === 'k-4'
            ? null // a reply not stored yet
            : key === 'k-3'
              ? legacyV1Token(
                  k1,
                  JSON.stringify({ status: 202, body: { key } }),
                  'stored_reply.response',
                )
              : beforeRotation.encryptJson({ status: 202, body: { key } }, 'stored_reply.response'),
        ],
      );
    }
    const before = await allTokens();
    // Every token under K1; one written before tokens named their key (v1).
    expect(before.filter((token) => !token.startsWith(beforeRotation.currentTokenPrefix))).toEqual([
      expect.stringMatching(/^v1\./),
    ]);

    const logger = new RecordingLogger();
    const first = await job(duringRotation, logger).runOnce();

    expect(first.complete).toBe(true);
    expect(first.columns).toEqual([
      expect.objectContaining({
        table: 'person_case',
        column: 'personal_encrypted',
        total: 8,
        reencrypted: 8,
        remaining: 0,
      }),
      expect.objectContaining({ column: 'notes_encrypted', total: 7, reencrypted: 7 }),
      expect.objectContaining({ column: 'response_encrypted', total: 3, reencrypted: 3 }),
    ]);
    const after = await allTokens();
    expect(after).toHaveLength(before.length);
    expect(after.every((token) => token.startsWith(k2Prefix))).toBe(true);

    // K1 can go now: every row decrypts with K2 alone, and the blind indexes still find them.
    expect(await casesAt(afterRotation, 'E151AA')).toEqual(names.filter((_, i) => i % 2 === 0));
    expect(await casesAt(afterRotation, 'N11AA')).toEqual(names.filter((_, i) => i % 2 === 1));
    const replies = await client.query<{ response_encrypted: string; idempotency_key: string }>(
      `SELECT idempotency_key, response_encrypted FROM ${t('stored_reply')}
        WHERE response_encrypted IS NOT NULL ORDER BY idempotency_key`,
    );
    expect(
      replies.rows.map((row) =>
        afterRotation.decryptJson(row.response_encrypted, 'stored_reply.response'),
      ),
    ).toEqual(['k-1', 'k-2', 'k-3'].map((key) => ({ status: 202, body: { key } })));

    // Progress per column: done / total, and never a value.
    const progress = logger.lines.filter((line) => line.fields.column === 'personal_encrypted');
    expect(progress.map((line) => [line.fields.done, line.fields.total])).toEqual([
      [0, 8],
      [3, 8],
      [6, 8],
      [8, 8],
    ]);
    expect(progress.at(-1)?.message).toBe('column re-encrypted');
    const logged = JSON.stringify(logger.lines);
    expect(logged).not.toContain('Marker Person');
    expect(logged).not.toContain('v2.');
    expect(logged).not.toContain(k1);

    const secondLogger = new RecordingLogger();
    const second = await job(afterRotation, secondLogger).runOnce();
    expect(second.complete).toBe(true);
    expect(second.columns.map((column) => column.total + column.reencrypted)).toEqual([0, 0, 0]);
    expect(await allTokens()).toEqual(after);
    expect(secondLogger.lines).toEqual([]);
  });

  it('leaves a row a request changed meanwhile as the request wrote it', async () => {
    await client.query(`TRUNCATE ${t('person_case')}, ${t('person_key')}, ${t('stored_reply')}`);
    const id = await insertCase(beforeRotation, 'Marker Racing0', 'E151AA');
    // A request (under the new key) holds the row, uncommitted, while the job reaches it.
    const writer = new Client({ connectionString: schema.databaseUrl });
    await writer.connect();
    try {
      await writer.query('BEGIN');
      await writer.query(`UPDATE ${t('person_case')} SET personal_encrypted = $1 WHERE id = $2`, [
        duringRotation.encryptJson({ name: 'Marker Changed' }, 'person_case.personal'),
        id,
      ]);
      const run = job(duringRotation, new RecordingLogger()).runOnce();
      await expectEventually(
        async () => {
          const { rows } = await client.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_stat_activity
              WHERE wait_event_type = 'Lock' AND query LIKE 'UPDATE "${schema.schema}".%'`,
          );
          expect(rows[0]?.n).toBe(1);
        },
        { description: "the job's write waiting for the request's row lock" },
      );
      await writer.query('COMMIT');
      const report: ReencryptionReport = await run;
      expect(report.columns[0]).toMatchObject({ total: 1, reencrypted: 0, changedMeanwhile: 1 });
    } finally {
      await writer.end();
    }
    const { rows } = await client.query<{ personal_encrypted: string }>(
      `SELECT personal_encrypted FROM ${t('person_case')} WHERE id = $1`,
      [id],
    );
    expect(
      afterRotation.decryptJson(rows[0]?.personal_encrypted ?? '', 'person_case.personal'),
    ).toEqual({ name: 'Marker Changed' });
  });

  it('stops cleanly when asked and resumes where it was on the next run', async () => {
    await client.query(`TRUNCATE ${t('person_case')}, ${t('person_key')}, ${t('stored_reply')}`);
    for (let i = 0; i < 6; i++) await insertCase(beforeRotation, `Marker Stop ${i}0`, 'N11AA');
    const logger = new RecordingLogger();
    const background = job(duringRotation, logger, { batchSize: 2 });
    // Shut down as soon as the first batch is reported (between two rows of the next one).
    const original = logger.info;
    logger.info = (fields: object | string, message?: unknown) => {
      original(fields, message);
      if (typeof fields === 'object' && (fields as { done?: number }).done === 2) {
        void background.stop();
      }
    };
    background.start();
    await expectEventually(() => {
      expect(logger.lines.some((line) => line.message === 're-encryption stopped')).toBe(true);
    });
    await background.stop();
    const partial = await allTokens();
    const moved = partial.filter((token) => token.startsWith(k2Prefix)).length;
    expect(moved).toBeGreaterThanOrEqual(2);
    expect(moved).toBeLessThan(6);

    const resumed = await job(duringRotation, new RecordingLogger()).runOnce();
    expect(resumed.columns[0]).toMatchObject({ total: 6 - moved, reencrypted: 6 - moved });
    expect(resumed.complete).toBe(true);
    expect((await allTokens()).every((token) => token.startsWith(k2Prefix))).toBe(true);
  });

  it('reports tokens no configured key opens, and an _encrypted column nobody registered', async () => {
    await client.query(`TRUNCATE ${t('person_case')}, ${t('person_key')}, ${t('stored_reply')}`);
    const stranger = FieldCipher.fromBase64Key(generateDataEncryptionKey());
    await insertCase(stranger, 'Marker Lost0', 'E151AA');
    await insertCase(beforeRotation, 'Marker Kept0', 'E151AA');
    await client.query(`ALTER TABLE ${t('person_key')} ADD COLUMN extra_encrypted text`);
    try {
      const logger = new RecordingLogger();
      const report = await job(duringRotation, logger).runOnce();
      expect(report.complete).toBe(false);
      expect(report.unregistered).toEqual(['person_key.extra_encrypted']);
      expect(report.columns[0]).toMatchObject({
        total: 2,
        reencrypted: 1,
        undecryptable: 1,
        remaining: 1,
      });
      expect(
        logger.lines.filter((line) => line.level === 'warn').map((line) => line.message),
      ).toEqual([
        'encrypted column is not registered for re-encryption',
        'fields no configured key opens were left as they are',
      ]);
    } finally {
      await client.query(`ALTER TABLE ${t('person_key')} DROP COLUMN extra_encrypted`);
    }
  });
});
