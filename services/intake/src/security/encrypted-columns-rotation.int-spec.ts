import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createIdentityDataSource,
  dataKeyId,
  FieldCipher,
  generateDataEncryptionKey,
  IdentityStore,
  type Logger,
} from '@harbour/platform';
import {
  createTestSchema,
  expectEventually,
  testDatabaseUrl,
  testKafkaBrokers,
  type TestSchema,
  uniqueName,
} from '@harbour/testing';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createIntakeApp } from '../bootstrap';
import { loadIntakeConfig } from '../config';
import { INTAKE_ENCRYPTED_COLUMNS } from './encrypted-columns';

jest.setTimeout(120_000);

const CAMDEN = 'E09000007';
const example = (name: string): unknown =>
  JSON.parse(readFileSync(join(__dirname, '../../../../docs/examples', name), 'utf8'));

/** Keeps the service's log lines (message and fields), so the test can wait for the job. */
class RecordingLogger implements Logger {
  readonly lines: { message: string; fields: Record<string, unknown> }[] = [];
  private record() {
    return (fields: object | string, message?: unknown) => {
      this.lines.push(
        typeof fields === 'string'
          ? { message: fields, fields: {} }
          : {
              message: typeof message === 'string' ? message : '',
              fields: fields as Record<string, unknown>,
            },
      );
    };
  }
  info = this.record();
  warn = this.record();
  error = this.record();
  debug = this.record();
  child(): Logger {
    return this;
  }
}

/**
 * A key rotation through intake's real runtime: rows written by the API under K1; the service
 * restarted with K2 current and K1 retired re-encrypts every registered column in the
 * background; restarted again without K1, it still reads everything it stored.
 */
describe('intake: rotating DATA_ENCRYPTION_KEY re-encrypts every stored field', () => {
  const k1 = generateDataEncryptionKey();
  const k2 = generateDataEncryptionKey();
  let schema: TestSchema;
  let identityDs: DataSource;
  let db: Client;
  let key = '';
  /** Apps still running if an assertion failed half-way: closed after the test. */
  const running = new Set<INestApplication>();

  beforeAll(async () => {
    schema = await createTestSchema('intake_rotation');
    identityDs = createIdentityDataSource(testDatabaseUrl());
    await identityDs.initialize();
    db = new Client({ connectionString: testDatabaseUrl() });
    await db.connect();
  });

  afterAll(async () => {
    for (const app of running) await app.close();
    await db.end();
    await identityDs.destroy();
    await schema.drop();
  });

  /** Intake on the test schema with these keys (and the shared identity store). */
  async function startIntake(
    keys: Record<string, string>,
    logger: Logger,
  ): Promise<{ app: { close(): Promise<void> }; url: string }> {
    const config = loadIntakeConfig({
      ...process.env,
      DATABASE_URL: testDatabaseUrl(),
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      INTAKE_DB_SCHEMA: schema.schema,
      LOG_LEVEL: 'warn',
      ...keys,
    });
    const nest = await createIntakeApp(config, logger);
    running.add(nest);
    await nest.listen(0, '127.0.0.1');
    const app = {
      close: async () => {
        running.delete(nest);
        await nest.close();
      },
    };
    return { app, url: (await nest.getUrl()).replace('[::1]', '127.0.0.1') };
  }

  /** POSTs as the police key; the answer's `idField`, when asked for. */
  const post = async (
    url: string,
    path: string,
    body: unknown,
    idField?: string,
  ): Promise<string> => {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${key}`,
        'idempotency-key': randomUUID(),
      },
      body: JSON.stringify(body),
    });
    if (response.status < 200 || response.status > 299) {
      throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
    }
    const answer = (await response.json()) as Record<string, unknown>;
    const id = idField === undefined ? '' : answer[idField];
    if (typeof id !== 'string') throw new Error(`POST ${path}: no ${idField} in the answer`);
    return id;
  };

  const read = async (url: string, path: string): Promise<string> => {
    const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${key}` } });
    expect(response.status).toBe(200);
    return response.text();
  };

  /** Every token of every registered column, by `table.column`. */
  const tokens = async (): Promise<Map<string, string[]>> => {
    const found = new Map<string, string[]>();
    for (const { table, column } of INTAKE_ENCRYPTED_COLUMNS) {
      const { rows } = await db.query<{ token: string }>(
        `SELECT ${column} AS token FROM "${schema.schema}".${table} WHERE ${column} IS NOT NULL`,
      );
      found.set(
        `${table}.${column}`,
        rows.map((row) => row.token),
      );
    }
    return found;
  };

  it('moves every column to K2 in the background, and K1 can then be removed', async () => {
    const police = await new IdentityStore(identityDs).createOrganisation({
      name: uniqueName('rotation police'),
      kind: 'police_borough',
      boroughs: [CAMDEN],
    });
    key = (
      await new IdentityStore(identityDs).issueApiKey({
        organisationId: police.id,
        roles: ['submit', 'read'],
        label: 'rotation test',
      })
    ).key;

    // 1. The service as deployed before: one key.
    const before = await startIntake({ DATA_ENCRYPTION_KEY: k1 }, new RecordingLogger());
    const episodeId = await post(
      before.url,
      '/v1/missing-episodes',
      example('missing-episode.json'),
      'episodeId',
    );
    await post(before.url, `/v1/missing-episodes/${episodeId}/updates`, {
      kind: 'sighting',
      note: 'Seen at the bus station',
      seenAt: new Date().toISOString(),
    });
    const referralId = await post(
      before.url,
      '/v1/referrals',
      example('referral.json'),
      'referralId',
    );
    const start = new Date(Date.now() + 3 * 3600e3).toISOString();
    const end = new Date(Date.now() + 5 * 3600e3).toISOString();
    const operationId = await post(
      before.url,
      '/v1/operations',
      {
        kind: 'raid',
        premisesKind: 'brothel',
        borough: CAMDEN,
        address: { line1: '17 Example Parade', postcode: 'NW1 2DB' },
        plannedStart: start,
        plannedEnd: end,
        expectedPeople: { total: 2, women: 2 },
        exploitationTypes: ['sexual'],
        vulnerablePeopleLikely: true,
        leadContact: { name: 'DS Example', phone: '+44 20 7946 0202' },
      },
      'operationId',
    );
    await post(before.url, `/v1/operations/${operationId}/cancellation`, {
      reason: 'Intelligence changed',
    });
    const bedRequestId = await post(
      before.url,
      '/v1/bed-requests',
      {
        person: { givenName: 'Arben', gender: 'male', ageYears: 34 },
        accompanyingChildren: 0,
        languages: ['sq'],
        supportLevel: 'emergency',
        nrmStage: 'pre_nrm',
        nrpf: true,
        urgency: { kind: 'tonight' },
        borough: CAMDEN,
        exclusionZones: { boroughs: ['E09000025'], around: [] },
      },
      'requestId',
    );
    await before.app.close();

    const k1Prefix = `v2.${dataKeyId(Buffer.from(k1, 'base64'))}.`;
    const k2Prefix = `v2.${dataKeyId(Buffer.from(k2, 'base64'))}.`;
    const written = await tokens();
    // The API reached every column but the outcome's restricted notes (a cancelled operation).
    const filled = [...written].filter(([, list]) => list.length > 0).map(([name]) => name);
    expect(filled).toEqual(
      INTAKE_ENCRYPTED_COLUMNS.map((c) => `${c.table}.${c.column}`).filter(
        (name) => name !== 'operation_outcome.restricted_notes_encrypted',
      ),
    );
    expect([...written.values()].flat().every((token) => token.startsWith(k1Prefix))).toBe(true);

    // 2. Restarted with K2 current and K1 retired: the job runs by itself.
    const logger = new RecordingLogger();
    const during = await startIntake(
      { DATA_ENCRYPTION_KEY: k2, DATA_ENCRYPTION_RETIRED_KEYS: k1, DATA_INDEX_KEY: k1 },
      logger,
    );
    await expectEventually(
      () => {
        expect(logger.lines.map((line) => line.message)).toContain(
          'data re-encryption complete: every field is under the current key; the retired keys may now be removed',
        );
      },
      { timeoutMs: 60_000, description: 'the re-encryption job to report completion' },
    );
    const progress = logger.lines.filter((line) => line.message === 'column re-encrypted');
    expect(
      progress.map((line) => `${String(line.fields.table)}.${String(line.fields.column)}`),
    ).toEqual(filled);
    expect(progress.every((line) => line.fields.done === line.fields.total)).toBe(true);
    await during.app.close();
    const rotated = await tokens();
    expect([...rotated.values()].flat()).toHaveLength([...written.values()].flat().length);
    expect([...rotated.values()].flat().every((token) => token.startsWith(k2Prefix))).toBe(true);
    expect(JSON.stringify(logger.lines)).not.toContain('Arben');

    // 3. K1 removed: every stored token opens with K2 alone under its column's context, and
    // the API reads back what it stored.
    const k2Only = FieldCipher.fromConfig({ DATA_ENCRYPTION_KEY: k2, DATA_INDEX_KEY: k1 });
    for (const { table, column, context } of INTAKE_ENCRYPTED_COLUMNS) {
      for (const token of rotated.get(`${table}.${column}`) ?? []) {
        expect(() => k2Only.decrypt(token, context)).not.toThrow();
      }
    }
    const after = await startIntake({ DATA_ENCRYPTION_KEY: k2, DATA_INDEX_KEY: k1 }, logger);
    try {
      expect(await read(after.url, `/v1/operations/${operationId}`)).toContain('17 Example Parade');
      expect(await read(after.url, `/v1/bed-requests/${bedRequestId}`)).toContain('Arben');
      expect(await read(after.url, `/v1/referrals/${referralId}`)).toContain(referralId);
      expect(await read(after.url, `/v1/missing-episodes/${episodeId}`)).toContain(episodeId);
    } finally {
      await after.app.close();
    }
  });
});
