import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { createLogger, generateDataEncryptionKey } from '@harbour/platform';
import {
  createTestSchema,
  testDatabaseUrl,
  testKafkaBrokers,
  type TestSchema,
  uniqueName,
} from '@harbour/testing';
import { Client } from 'pg';
import { createAccommodationApp } from './bootstrap';
import { loadAccommodationConfig } from './config';

jest.setTimeout(60_000);

describe('accommodation: starts, owns its schema, reports health, consumes bed requests', () => {
  let schema: TestSchema;
  let app: INestApplication;
  let baseUrl: string;

  beforeAll(async () => {
    schema = await createTestSchema('accommodation');
    const config = loadAccommodationConfig({
      ...process.env,
      DATABASE_URL: testDatabaseUrl(),
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      ACCOMMODATION_DB_SCHEMA: schema.schema,
      ACCOMMODATION_KAFKA_GROUP: uniqueName('accommodation'),
      DATA_ENCRYPTION_KEY: generateDataEncryptionKey(),
    });
    app = await createAccommodationApp(
      config,
      createLogger({ service: 'accommodation-test', level: 'warn' }),
    );
    await app.listen(0, '127.0.0.1');
    baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await app.close();
    await schema.drop();
  });

  it('is live and ready with Postgres and Kafka reachable (its timers need no Redis)', async () => {
    const health = await fetch(`${baseUrl}/health`);
    expect(await health.json()).toEqual({ status: 'ok', service: 'accommodation' });
    const ready = await fetch(`${baseUrl}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: { postgres: 'up', kafka: 'up' },
    });
  });

  it('created its schema by migration: properties, requests, offers, placements, outbox and inbox', async () => {
    const db = new Client({ connectionString: testDatabaseUrl() });
    await db.connect();
    try {
      const tables = await db.query<{ table_name: string }>(
        'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
        [schema.schema],
      );
      expect(tables.rows.map((r) => r.table_name)).toEqual([
        'audit_chain_head',
        'audit_log',
        'availability_change',
        'bed_request',
        'idempotency_record',
        'inbox',
        'migrations',
        'offer',
        'outbox',
        'placement',
        'property',
      ]);
    } finally {
      await db.end();
    }
  });

  it('answers routes it does not have with a problem document, not an HTML page', async () => {
    const response = await fetch(`${baseUrl}/v1/no-such-route`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });

  it('asks for an API key on every partner route', async () => {
    for (const path of ['/v1/properties', '/v1/offers', `/v1/bed-requests/${randomUUID()}`]) {
      const response = await fetch(`${baseUrl}${path}`);
      expect(response.status).toBe(401);
    }
  });
});
