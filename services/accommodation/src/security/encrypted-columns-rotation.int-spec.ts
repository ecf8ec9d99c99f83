import { randomUUID } from 'node:crypto';
import { topicFor } from '@harbour/contracts';
import { createKafka } from '@harbour/messaging';
import { createLogger, dataKeyId, FieldCipher, generateDataEncryptionKey } from '@harbour/platform';
import {
  createTestSchema,
  expectEventually,
  startGroupAtTopicEnd,
  testDatabaseUrl,
  testKafkaBrokers,
  type TestSchema,
  uniqueName,
} from '@harbour/testing';
import { Client } from 'pg';
import { AccommodationHarness, property } from '../test-support/accommodation-harness';
import { ACCOMMODATION_ENCRYPTED_COLUMNS } from './encrypted-columns';

jest.setTimeout(180_000);

/**
 * A key rotation through accommodation's real runtime: a bed request's names and a stored reply
 * (keyed by organisation and Idempotency-Key) written under K1 move to K2 in the background, and
 * the reply still replays once K1 is gone.
 */
describe('accommodation: rotating DATA_ENCRYPTION_KEY re-encrypts names and stored replies', () => {
  const k1 = generateDataEncryptionKey();
  const k2 = generateDataEncryptionKey();
  let schema: TestSchema;
  let db: Client;
  /** One schema and consumer group for every start: a restart keeps its data and its offsets. */
  const group = uniqueName('acc_rotation');

  beforeAll(async () => {
    schema = await createTestSchema('acc_rotation');
    db = new Client({ connectionString: testDatabaseUrl() });
    await db.connect();
    const admin = createKafka({
      brokers: testKafkaBrokers(),
      clientId: 'acc-rotation-test',
      logger: createLogger({ service: 'acc-rotation-test', level: 'warn' }),
    }).admin();
    await admin.connect();
    try {
      await startGroupAtTopicEnd(admin, group, topicFor('harbour.bed-request.submitted'));
    } finally {
      await admin.disconnect();
    }
  });

  afterAll(async () => {
    await db.end();
    await schema.drop();
  });

  const startAccommodation = (keys: Record<string, string>) =>
    AccommodationHarness.start('acc_rotation_run', {
      ACCOMMODATION_DB_SCHEMA: schema.schema,
      ACCOMMODATION_KAFKA_GROUP: group,
      ...keys,
    });

  const tokens = async (): Promise<{ context: string; token: string }[]> => {
    const found: { context: string; token: string }[] = [];
    for (const { table, column, context } of ACCOMMODATION_ENCRYPTED_COLUMNS) {
      const { rows } = await db.query<{ token: string }>(
        `SELECT ${column} AS token FROM "${schema.schema}".${table} WHERE ${column} IS NOT NULL`,
      );
      found.push(...rows.map((row) => ({ context, token: row.token })));
    }
    return found;
  };

  it('moves every column to K2, and the stored reply still replays without K1', async () => {
    const k1Prefix = `v2.${dataKeyId(Buffer.from(k1, 'base64'))}.`;
    const k2Prefix = `v2.${dataKeyId(Buffer.from(k2, 'base64'))}.`;
    const idempotencyKey = randomUUID();
    const registration = property();

    // 1. Before: one key. A provider registers a property (its reply is stored encrypted) and
    // intake's bed request with a name arrives.
    const before = await startAccommodation({ DATA_ENCRYPTION_KEY: k1 });
    let provider: Awaited<ReturnType<AccommodationHarness['organisation']>>;
    let firstAnswer: unknown;
    try {
      provider = await before.organisation('housing_provider');
      const requester = await before.organisation('police_borough', ['submit'], ['E09000007']);
      const registered = await before.request(
        'POST',
        '/v1/properties',
        provider.key,
        registration,
        {
          'idempotency-key': idempotencyKey,
        },
      );
      expect(registered.status).toBe(201);
      firstAnswer = await registered.json();
      const request = before.bedRequest(requester);
      await before.publish('harbour.bed-request.submitted', request);
      await expectEventually(
        async () => {
          const { rowCount } = await db.query(
            `SELECT 1 FROM "${schema.schema}".bed_request WHERE id = $1 AND person_encrypted IS NOT NULL`,
            [request.requestId],
          );
          expect(rowCount).toBe(1);
        },
        { timeoutMs: 60_000, description: 'the bed request recorded' },
      );
    } finally {
      await before.close();
    }
    const written = await tokens();
    // The group reads the shared topic: other tests' bed requests published since it started
    // land in this schema too, so each column is checked for being there, not counted.
    expect([...new Set(written.map(({ context }) => context))].sort()).toEqual([
      'bed_request.person',
      'idempotency_record.response',
    ]);
    expect(written.every(({ token }) => token.startsWith(k1Prefix))).toBe(true);

    // 2. During: K2 current, K1 retired; the job moves both columns in the background.
    const during = await startAccommodation({
      DATA_ENCRYPTION_KEY: k2,
      DATA_ENCRYPTION_RETIRED_KEYS: k1,
      DATA_INDEX_KEY: k1,
    });
    try {
      await expectEventually(
        async () => {
          const now = await tokens();
          expect(now.length).toBeGreaterThanOrEqual(written.length);
          expect(now.filter(({ token }) => !token.startsWith(k2Prefix))).toEqual([]);
        },
        { timeoutMs: 60_000, description: 'every token re-encrypted under K2' },
      );
    } finally {
      await during.close();
    }

    // 3. After: K1 gone. Every token opens with K2 alone, and the retry replays the first answer.
    const k2Only = FieldCipher.fromConfig({ DATA_ENCRYPTION_KEY: k2, DATA_INDEX_KEY: k1 });
    for (const { token, context } of await tokens()) {
      expect(() => k2Only.decrypt(token, context)).not.toThrow();
    }
    const after = await startAccommodation({ DATA_ENCRYPTION_KEY: k2, DATA_INDEX_KEY: k1 });
    try {
      const replay = await after.request('POST', '/v1/properties', provider.key, registration, {
        'idempotency-key': idempotencyKey,
      });
      expect(replay.status).toBe(201);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(await replay.json()).toEqual(firstAnswer);
    } finally {
      await after.close();
    }
  });
});
