import type { INestApplication } from '@nestjs/common';
import { validateEvent } from '@harbour/contracts';
import { createKafka, eventOrUndefined, type HarbourEvent } from '@harbour/messaging';
import {
  createIdentityDataSource,
  createLogger,
  FieldCipher,
  generateDataEncryptionKey,
  IdentityStore,
  type OrganisationKind,
  type Role,
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
import { createIntakeApp } from '../bootstrap';
import { loadIntakeConfig } from '../config';

export const CAMDEN = 'E09000007';
export const ISLINGTON = 'E09000019';

export interface TestOrganisation {
  organisationId: string;
  key: string;
}

/**
 * The real intake app on a random port, over a fresh schema, with its own encryption key, a
 * Kafka consumer on the given topics and helpers to call it as partner organisations.
 */
export class IntakeHarness {
  readonly seen: HarbourEvent[] = [];

  private constructor(
    readonly baseUrl: string,
    readonly schema: string,
    readonly db: Client,
    /** The app's own key, so tests can prove what is stored encrypted. */
    readonly cipher: FieldCipher,
    private readonly app: INestApplication,
    private readonly testSchema: TestSchema,
    private readonly identityDs: DataSource,
    private readonly identity: IdentityStore,
    private readonly consumer: Consumer,
  ) {}

  static async start(topics: string[]): Promise<IntakeHarness> {
    const testSchema = await createTestSchema('intake');
    const dataKey = generateDataEncryptionKey();
    const config = loadIntakeConfig({
      ...process.env,
      DATABASE_URL: testDatabaseUrl(),
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      INTAKE_DB_SCHEMA: testSchema.schema,
      DATA_ENCRYPTION_KEY: dataKey,
      LOG_LEVEL: 'warn',
    });
    const app = await createIntakeApp(
      config,
      createLogger({ service: 'intake-test', level: 'warn' }),
    );
    await app.listen(0, '127.0.0.1');
    const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');

    const identityDs = createIdentityDataSource(testDatabaseUrl());
    await identityDs.initialize();
    const db = new Client({ connectionString: testDatabaseUrl() });
    await db.connect();

    const kafka = createKafka({
      brokers: testKafkaBrokers(),
      clientId: 'intake-test',
      logger: createLogger({ service: 'kafka-test', level: 'warn' }),
    });
    const consumer = kafka.consumer({ groupId: uniqueName('intake-test') });
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    const harness = new IntakeHarness(
      baseUrl,
      testSchema.schema,
      db,
      FieldCipher.fromBase64Key(dataKey),
      app,
      testSchema,
      identityDs,
      new IdentityStore(identityDs),
      consumer,
    );
    await consumer.run({
      eachMessage: ({ message }) => {
        // Shared topics carry other tests' poison messages: not events, not ours.
        const event = eventOrUndefined(message);
        if (event !== undefined) harness.seen.push(event);
        return Promise.resolve();
      },
    });
    return harness;
  }

  async close(): Promise<void> {
    await this.consumer.disconnect();
    await this.app.close();
    await this.db.end();
    await this.identityDs.destroy();
    await this.testSchema.drop();
  }

  async organisation(
    kind: OrganisationKind,
    boroughs: string[],
    roles: Role[] = ['submit'],
  ): Promise<TestOrganisation> {
    const organisation = await this.identity.createOrganisation({
      name: uniqueName(`${kind} test`),
      kind,
      boroughs,
    });
    const { key } = await this.identity.issueApiKey({
      organisationId: organisation.id,
      roles,
      label: 'test',
    });
    return { organisationId: organisation.id, key };
  }

  /** Another key of the same organisation, with other roles. */
  async keyFor(organisationId: string, roles: Role[]): Promise<string> {
    return (await this.identity.issueApiKey({ organisationId, roles, label: 'test' })).key;
  }

  post(
    path: string,
    body: unknown,
    key: string | undefined,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    return fetch(`${this.baseUrl}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...headers,
      },
      body: JSON.stringify(body),
    });
  }

  get(path: string, key: string): Promise<Response> {
    return fetch(`${this.baseUrl}${path}`, { headers: { authorization: `Bearer ${key}` } });
  }

  async count(table: string, where = 'true', params: unknown[] = []): Promise<number> {
    const result = await this.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${this.schema}".${table} WHERE ${where}`,
      params,
    );
    return result.rows[0]!.n;
  }

  outboxCount(): Promise<number> {
    return this.count('outbox');
  }

  /** The first published event of this type about this aggregate (see `publishedAll`). */
  async published(type: string, subject: string): Promise<HarbourEvent> {
    const [event] = await this.publishedAll(type, subject, 1);
    return event!;
  }

  /**
   * The first `count` published events of this type about this aggregate, once they have
   * arrived; each payload is checked against the contract here, as a consumer would.
   */
  async publishedAll(type: string, subject: string, count: number): Promise<HarbourEvent[]> {
    const events = await expectEventually(
      () => {
        const matches = this.seen.filter((e) => e.type === type && e.subject === subject);
        if (matches.length < count) {
          throw new Error(`${matches.length} of ${count} ${type} for ${subject} so far`);
        }
        return matches.slice(0, count);
      },
      { timeoutMs: 30_000, description: `${type} on Kafka` },
    );
    for (const event of events) {
      const verdict = validateEvent(event.type, event.data);
      if (!verdict.ok) {
        throw new Error(`${type} breaks its contract: ${JSON.stringify(verdict.issues)}`);
      }
    }
    return events;
  }
}

/** The distinct pointers of a 400 problem, after checking it is one. */
export async function problemPointers(response: Response): Promise<string[]> {
  if (response.status !== 400) {
    throw new Error(`expected 400, got ${response.status}: ${await response.text()}`);
  }
  if (!response.headers.get('content-type')?.includes('application/problem+json')) {
    throw new Error('a 400 without application/problem+json');
  }
  const problem = (await response.json()) as { errors: { pointer: string }[] };
  return [...new Set(problem.errors.map((e) => e.pointer))].sort();
}
