import type { INestApplication } from '@nestjs/common';
import { createKafka, fromKafkaMessage, type HarbourEvent } from '@harbour/messaging';
import {
  createIdentityDataSource,
  createLogger,
  FieldCipher,
  generateDataEncryptionKey,
  IdentityStore,
} from '@harbour/platform';
import {
  createTestSchema,
  expectEventually,
  testDatabaseUrl,
  testKafkaBrokers,
  type TestSchema,
  uniqueName,
} from '@harbour/testing';
import type { Consumer } from 'kafkajs';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createIntakeApp } from './bootstrap';
import { loadIntakeConfig } from './config';

jest.setTimeout(90_000);

const CAMDEN = 'E09000007';
const goodReport = () => ({
  child: { ageYears: 14, ageDisputed: false, gender: 'male', givenName: 'Integration' },
  traffickingMarkers: ['suspected_exploitation'],
  borough: CAMDEN,
  riskGrade: 'medium',
  lastSeenAt: new Date(Date.now() - 60_000).toISOString(),
});

describe('intake: POST /v1/missing-episodes', () => {
  let schema: TestSchema;
  let app: INestApplication;
  let baseUrl: string;
  let identityDs: DataSource;
  let camdenKey: string;
  let islingtonKey: string;
  let readOnlyKey: string;
  let db: Client;
  let consumer: Consumer;
  const seen: HarbourEvent[] = [];

  const dataKey = generateDataEncryptionKey();

  beforeAll(async () => {
    schema = await createTestSchema('intake');
    const config = loadIntakeConfig({
      ...process.env,
      DATABASE_URL: testDatabaseUrl(),
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      INTAKE_DB_SCHEMA: schema.schema,
      DATA_ENCRYPTION_KEY: dataKey,
      LOG_LEVEL: 'warn',
    });
    app = await createIntakeApp(config, createLogger({ service: 'intake-test', level: 'warn' }));
    await app.listen(0, '127.0.0.1');
    baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');

    identityDs = createIdentityDataSource(testDatabaseUrl());
    await identityDs.initialize();
    const identity = new IdentityStore(identityDs);
    const camden = await identity.createOrganisation({
      name: uniqueName('camden police'),
      kind: 'police_borough',
      boroughs: [CAMDEN],
    });
    camdenKey = (
      await identity.issueApiKey({ organisationId: camden.id, roles: ['submit'], label: 'test' })
    ).key;
    const islington = await identity.createOrganisation({
      name: uniqueName('islington police'),
      kind: 'police_borough',
      boroughs: ['E09000019'],
    });
    islingtonKey = (
      await identity.issueApiKey({ organisationId: islington.id, roles: ['submit'], label: 'test' })
    ).key;
    readOnlyKey = (
      await identity.issueApiKey({ organisationId: camden.id, roles: ['read'], label: 'test' })
    ).key;

    db = new Client({ connectionString: testDatabaseUrl() });
    await db.connect();

    const kafka = createKafka({
      brokers: testKafkaBrokers(),
      clientId: 'intake-test',
      logger: createLogger({ service: 'kafka-test', level: 'warn' }),
    });
    consumer = kafka.consumer({ groupId: uniqueName('intake-test') });
    await consumer.connect();
    await consumer.subscribe({ topic: 'harbour.intake.missing-episode.v1', fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        seen.push(fromKafkaMessage(message));
        return Promise.resolve();
      },
    });
  });

  afterAll(async () => {
    await consumer.disconnect();
    await app.close();
    await db.end();
    await identityDs.destroy();
    await schema.drop();
  });

  const post = (body: unknown, key: string | undefined, headers: Record<string, string> = {}) =>
    fetch(`${baseUrl}/v1/missing-episodes`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...headers,
      },
      body: JSON.stringify(body),
    });

  const outboxCount = async (): Promise<number> =>
    (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema.schema}".outbox`))
      .rows[0]!.n;

  it('accepts a report: 202, Location, the record and one published CloudEvent keyed by episode', async () => {
    const response = await post(goodReport(), camdenKey);
    expect(response.status).toBe(202);
    const body = (await response.json()) as { episodeId: string; status: string };
    expect(body.status).toBe('accepted');
    expect(response.headers.get('location')).toBe(`/v1/missing-episodes/${body.episodeId}`);

    const stored = await db.query(
      `SELECT borough, is_child FROM "${schema.schema}".missing_episode WHERE id = $1`,
      [body.episodeId],
    );
    expect(stored.rows).toEqual([{ borough: CAMDEN, is_child: true }]);
    // The name is stored encrypted, never in clear.
    const personal = await db.query<{ report: unknown; personal_encrypted: string }>(
      `SELECT report, personal_encrypted FROM "${schema.schema}".missing_episode WHERE id = $1`,
      [body.episodeId],
    );
    expect(JSON.stringify(personal.rows[0]!.report)).not.toContain('Integration');
    expect(
      FieldCipher.fromBase64Key(dataKey).decryptJson(
        personal.rows[0]!.personal_encrypted,
        'missing_episode.personal',
      ),
    ).toEqual({ givenName: 'Integration' });

    const event = await expectEventually(
      () => {
        const match = seen.find(
          (e) => (e.data as { episodeId?: string }).episodeId === body.episodeId,
        );
        if (!match) throw new Error('not yet');
        return match;
      },
      { timeoutMs: 30_000, description: 'the reported event on Kafka' },
    );
    expect(event).toMatchObject({
      type: 'harbour.missing-episode.reported',
      source: '/harbour/intake',
      specversion: '1.0',
      subject: body.episodeId,
      data: {
        borough: CAMDEN,
        isChild: true,
        riskGrade: 'medium',
        traffickingMarkers: ['suspected_exploitation'],
      },
    });
    const published = await db.query<{ published_at: Date | null }>(
      `SELECT published_at FROM "${schema.schema}".outbox WHERE key = $1`,
      [body.episodeId],
    );
    expect(published.rows[0]?.published_at).toBeInstanceOf(Date);

    const read = await fetch(`${baseUrl}${response.headers.get('location')!}`, {
      headers: { authorization: `Bearer ${camdenKey}` },
    });
    expect(read.status).toBe(200);
    expect(JSON.stringify(await read.json())).not.toContain('Integration');
    const other = await fetch(`${baseUrl}${response.headers.get('location')!}`, {
      headers: { authorization: `Bearer ${islingtonKey}` },
    });
    expect(other.status).toBe(404);
  });

  it('replays the first response for a repeated Idempotency-Key, even when sent concurrently', async () => {
    const before = await outboxCount();
    const report = goodReport();
    const key = uniqueName('idem');
    const responses = await Promise.all(
      [1, 2, 3].map(() => post(report, camdenKey, { 'idempotency-key': key })),
    );
    const bodies = await Promise.all(responses.map((r) => r.json()));
    expect(responses.map((r) => r.status)).toEqual([202, 202, 202]);
    expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1);
    expect(responses.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(
      2,
    );
    expect(await outboxCount()).toBe(before + 1);

    const changed = await post({ ...report, riskGrade: 'high' }, camdenKey, {
      'idempotency-key': key,
    });
    expect(changed.status).toBe(422);
    expect(await outboxCount()).toBe(before + 1);
  });

  it('rejects invalid bodies with a 400 problem naming each field, storing nothing', async () => {
    const before = await outboxCount();
    const { riskGrade: _omitted, ...withoutRisk } = goodReport();
    const response = await post(
      {
        ...withoutRisk,
        borough: 'E09000099',
        child: { ageYears: -1, ageDisputed: false, gender: 'male' },
        extra: 1,
      },
      camdenKey,
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await response.json()) as {
      status: number;
      errors: { pointer: string; detail: string }[];
    };
    expect(problem.status).toBe(400);
    expect(problem.errors.map((e) => e.pointer).sort()).toEqual([
      '/borough',
      '/child/ageYears',
      '/extra',
      '/riskGrade',
    ]);

    const future = await post(
      { ...goodReport(), lastSeenAt: new Date(Date.now() + 3_600_000).toISOString() },
      camdenKey,
    );
    expect(future.status).toBe(400);
    const malformed = await fetch(`${baseUrl}/v1/missing-episodes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${camdenKey}` },
      body: '{"child":',
    });
    expect(malformed.status).toBe(400);
    expect(await outboxCount()).toBe(before);
  });

  it('refuses a report that contradicts itself, storing nothing', async () => {
    const before = await outboxCount();
    const episodes = async () =>
      (
        await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM "${schema.schema}".missing_episode`,
        )
      ).rows[0]!.n;
    const rowsBefore = await episodes();
    const pointers = async (response: Response) => {
      expect(response.status).toBe(400);
      const problem = (await response.json()) as { errors: { pointer: string }[] };
      return problem.errors.map((e) => e.pointer);
    };
    // An undisputed adult cannot have an ICTG or be unaccompanied: the marker is named.
    expect(
      await pointers(
        await post(
          {
            ...goodReport(),
            child: { ageYears: 20, ageDisputed: false, gender: 'female' },
            traffickingMarkers: ['known_victim', 'unaccompanied'],
          },
          camdenKey,
        ),
      ),
    ).toEqual(['/traffickingMarkers/1']);
    expect(
      await pointers(
        await post(
          {
            ...goodReport(),
            child: { ageYears: 14, gender: 'female', dateOfBirth: '2001-02-03' },
          },
          camdenKey,
        ),
      ),
    ).toEqual(['/child/dateOfBirth']);
    expect(
      await pointers(
        await post(
          {
            ...goodReport(),
            child: { ageDisputed: true, gender: 'female', dateOfBirth: '2999-02-03' },
          },
          camdenKey,
        ),
      ),
    ).toEqual(['/child/dateOfBirth']);
    expect(await outboxCount()).toBe(before);
    expect(await episodes()).toBe(rowsBefore);

    // A disputed age is a child's: the same markers are accepted.
    const disputed = await post(
      {
        ...goodReport(),
        child: { ageYears: 20, ageDisputed: true, gender: 'female' },
        traffickingMarkers: ['unaccompanied'],
      },
      camdenKey,
    );
    expect(disputed.status).toBe(202);
  });

  it('refuses missing or wrong keys (401), other boroughs and read-only keys (403)', async () => {
    expect((await post(goodReport(), undefined)).status).toBe(401);
    expect(
      (await post(goodReport(), 'hbr_abcdefghijkl_wrongsecretwrongsecretwrongsecret')).status,
    ).toBe(401);
    expect((await post(goodReport(), islingtonKey)).status).toBe(403);
    expect((await post(goodReport(), readOnlyKey)).status).toBe(403);
    const health = await fetch(`${baseUrl}/health`);
    expect(health.status).toBe(200);
  });
});
