import type { INestApplication } from '@nestjs/common';
import { createLogger } from '@harbour/platform';
import {
  createTestSchema,
  testDatabaseUrl,
  testKafkaBrokers,
  testRedisUrl,
  type TestSchema,
} from '@harbour/testing';
import { Client } from 'pg';
import { createAccommodationApp } from './bootstrap';
import { loadAccommodationConfig } from './config';

jest.setTimeout(60_000);

describe('accommodation: starts, owns its schema, reports health', () => {
  let schema: TestSchema;
  let app: INestApplication;
  let baseUrl: string;

  beforeAll(async () => {
    schema = await createTestSchema('accommodation');
    const config = loadAccommodationConfig({
      ...process.env,
      DATABASE_URL: testDatabaseUrl(),
      REDIS_URL: testRedisUrl(),
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      ACCOMMODATION_DB_SCHEMA: schema.schema,
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

  it('is live and ready with Postgres, Redis and Kafka reachable', async () => {
    const health = await fetch(`${baseUrl}/health`);
    expect(await health.json()).toEqual({ status: 'ok', service: 'accommodation' });
    const ready = await fetch(`${baseUrl}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: { postgres: 'up', redis: 'up', kafka: 'up' },
    });
  });

  it('created its schema by migration, with the outbox and inbox', async () => {
    const db = new Client({ connectionString: testDatabaseUrl() });
    await db.connect();
    try {
      const tables = await db.query<{ table_name: string }>(
        'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
        [schema.schema],
      );
      expect(tables.rows.map((r) => r.table_name)).toEqual(['inbox', 'migrations', 'outbox']);
    } finally {
      await db.end();
    }
  });

  it('answers routes it does not have with a problem document, not an HTML page', async () => {
    const response = await fetch(`${baseUrl}/v1/bed-requests`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });
});
