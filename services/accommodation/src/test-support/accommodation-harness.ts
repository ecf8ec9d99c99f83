import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import {
  type BedNeeds,
  type BedRequestSubmitted,
  type BedRequestWithdrawn,
  type EventType,
  type PropertyRegistrationBody,
  topicFor,
  validateEvent,
} from '@harbour/contracts';
import {
  createEvent,
  createKafka,
  ensureTopics,
  eventOrUndefined,
  type HarbourEvent,
  toKafkaMessage,
} from '@harbour/messaging';
import {
  createIdentityDataSource,
  createLogger,
  generateDataEncryptionKey,
  IdentityStore,
  type OrganisationKind,
  type Role,
} from '@harbour/platform';
import {
  createTestSchema,
  expectEventually,
  startGroupAtTopicEnd,
  testDatabaseUrl,
  testKafkaBrokers,
  type TestSchema,
  uniqueName,
} from '@harbour/testing';
import type { Consumer, Producer } from 'kafkajs';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { openAccommodationRuntime, type AccommodationRuntime } from '../accommodation-runtime';
import { AccommodationModule } from '../app.module';
import { loadAccommodationConfig } from '../config';
import { createHttpApp } from '@harbour/platform';

export const CAMDEN = 'E09000007';
export const ISLINGTON = 'E09000019';
export const HACKNEY = 'E09000012';
export const NEWHAM = 'E09000025';
export const CROYDON = 'E09000008';
export const HILLINGDON = 'E09000017';
export const HAVERING = 'E09000016';

export interface TestOrganisation {
  organisationId: string;
  key: string;
}

/**
 * Test needs are move-on after a positive Conclusive Grounds decision: integration tests of
 * other services publish bed requests on the same shared topic at the same time, and theirs
 * (pre-NRM, emergency) never match these properties.
 */
export const TEST_STAGE = 'post_cg_move_on';

export function needs(overrides: Partial<BedNeeds> = {}): BedNeeds {
  return {
    gender: 'female',
    ageGroup: 'adult',
    accompanyingChildren: 0,
    languages: [],
    accessNeeds: [],
    supportLevel: 'move_on',
    nrmStage: TEST_STAGE,
    nrpf: false,
    ...overrides,
  };
}

export function property(
  overrides: Partial<PropertyRegistrationBody> = {},
): PropertyRegistrationBody {
  return {
    label: `House ${randomUUID().slice(0, 6)}`,
    borough: HAVERING,
    postcodeDistrict: 'RM1',
    genderServed: 'any',
    ages: ['adult'],
    supportLevel: 'move_on',
    nrmStages: [TEST_STAGE],
    nrpfAccepted: true,
    beds: 4,
    availableBeds: 2,
    ...overrides,
  };
}

/**
 * The real accommodation app on a random port, over a fresh schema, consuming intake's shared
 * bed-request topic from its current end (earlier runs' requests are not replayed), with a
 * reader of the placement topic and helpers to act as providers, requesters and coordinators.
 */
export class AccommodationHarness {
  readonly seen: HarbourEvent[] = [];

  private constructor(
    readonly baseUrl: string,
    readonly schema: string,
    readonly db: Client,
    readonly runtime: AccommodationRuntime,
    private readonly app: INestApplication,
    private readonly testSchema: TestSchema,
    private readonly identityDs: DataSource,
    private readonly identity: IdentityStore,
    private readonly producer: Producer,
    private readonly reader: Consumer,
  ) {}

  static async start(
    prefix: string,
    env: Record<string, string> = {},
  ): Promise<AccommodationHarness> {
    const testSchema = await createTestSchema(prefix);
    const logger = createLogger({ service: `${prefix}-test`, level: 'warn' });
    const groupId = uniqueName(prefix);
    const kafka = createKafka({ brokers: testKafkaBrokers(), clientId: `${prefix}-test`, logger });
    const requestTopic = topicFor('harbour.bed-request.submitted');
    const placementTopic = topicFor('harbour.bed.offered');
    await ensureTopics(kafka, [requestTopic, placementTopic]);
    const admin = kafka.admin();
    await admin.connect();
    try {
      await startGroupAtTopicEnd(admin, groupId, requestTopic);
    } finally {
      await admin.disconnect();
    }
    const config = loadAccommodationConfig({
      ...process.env,
      DATABASE_URL: testDatabaseUrl(),
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      ACCOMMODATION_DB_SCHEMA: testSchema.schema,
      ACCOMMODATION_KAFKA_GROUP: groupId,
      DATA_ENCRYPTION_KEY: generateDataEncryptionKey(),
      // The tests move timers on with `tick()`; the background poll stays out of the way.
      ACCOMMODATION_TIMER_POLL_MS: '600000',
      ...env,
    });
    const runtime = await openAccommodationRuntime(config, logger);
    const app = await createHttpApp(AccommodationModule.register(runtime), logger);
    await app.listen(0, '127.0.0.1');
    const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');

    const identityDs = createIdentityDataSource(testDatabaseUrl());
    await identityDs.initialize();
    const db = new Client({ connectionString: testDatabaseUrl() });
    await db.connect();
    const producer = kafka.producer();
    await producer.connect();
    const reader = kafka.consumer({ groupId: uniqueName(`${prefix}-placements`) });
    await reader.connect();
    await reader.subscribe({ topic: placementTopic, fromBeginning: false });
    const harness = new AccommodationHarness(
      baseUrl,
      testSchema.schema,
      db,
      runtime,
      app,
      testSchema,
      identityDs,
      new IdentityStore(identityDs),
      producer,
      reader,
    );
    const joined = new Promise((resolve) => reader.on(reader.events.GROUP_JOIN, resolve));
    await reader.run({
      eachMessage: ({ message }) => {
        // Shared topics carry other tests' poison messages: not events, not ours.
        const event = eventOrUndefined(message);
        if (event !== undefined) harness.seen.push(event);
        return Promise.resolve();
      },
    });
    await joined;
    return harness;
  }

  async close(): Promise<void> {
    await this.reader.disconnect();
    await this.producer.disconnect();
    await this.app.close();
    await this.db.end();
    await this.identityDs.destroy();
    await this.testSchema.drop();
  }

  async organisation(
    kind: OrganisationKind,
    roles: Role[] = ['submit', 'respond', 'read'],
    boroughs: string[] = ['pan_london'],
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

  request(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    key: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    return fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  }

  /** Registers a property for a provider; returns its id. */
  async register(provider: TestOrganisation, overrides: Partial<PropertyRegistrationBody> = {}) {
    const response = await this.request(
      'POST',
      '/v1/properties',
      provider.key,
      property(overrides),
    );
    if (response.status !== 201) {
      throw new Error(`registration failed: ${response.status} ${await response.text()}`);
    }
    return ((await response.json()) as { propertyId: string }).propertyId;
  }

  /** A bed request event as intake publishes it. */
  bedRequest(
    requester: TestOrganisation,
    overrides: Partial<BedRequestSubmitted> = {},
    requesterKind: OrganisationKind = 'police_borough',
  ): BedRequestSubmitted {
    const now = Date.now();
    return {
      requestId: randomUUID(),
      submittedBy: { organisationId: requester.organisationId, organisationKind: requesterKind },
      submittedAt: new Date(now).toISOString(),
      borough: CAMDEN,
      needs: needs(),
      urgency: {
        kind: 'planned',
        neededBy: new Date(now + 3 * 86_400_000).toISOString(),
        matchBy: new Date(now + 2 * 86_400_000).toISOString(),
      },
      exclusionZones: { boroughs: [], around: [] },
      person: { givenName: 'Amira', familyName: `Hoxha${randomUUID().slice(0, 6)}` },
      ...overrides,
    };
  }

  /** Publishes an intake event on its topic, keyed by the request id. */
  async publish(
    type: EventType,
    data: BedRequestSubmitted | BedRequestWithdrawn,
  ): Promise<HarbourEvent> {
    const event = createEvent({ type, source: '/harbour/intake', subject: data.requestId, data });
    await this.producer.send({
      topic: topicFor(type),
      messages: [toKafkaMessage(event, data.requestId)],
    });
    return event;
  }

  /** Placement-topic events about a request seen so far that this instance published (no wait). */
  async publishedSoFar(type: EventType, requestId: string): Promise<HarbourEvent[]> {
    const own = await this.db.query<{ id: string }>(
      `SELECT id FROM "${this.schema}".outbox WHERE subject = $1 AND type = $2`,
      [requestId, type],
    );
    const ownIds = new Set(own.rows.map((r) => r.id));
    return this.seen.filter((e) => e.type === type && e.subject === requestId && ownIds.has(e.id));
  }

  /**
   * Placement-topic events this instance published about a request, once at least `count` of
   * `type` have arrived. Other accommodation instances on the shared broker (an e2e stack's) also
   * consume this test's bed requests and answer on the same topic — e.g. "no matching vacancy",
   * having none of this test's properties — so only events from this schema's outbox count.
   */
  async events(type: EventType, requestId: string, count = 1): Promise<HarbourEvent[]> {
    const events = await expectEventually(
      async () => {
        const own = await this.db.query<{ id: string }>(
          `SELECT id FROM "${this.schema}".outbox WHERE subject = $1 AND type = $2`,
          [requestId, type],
        );
        const ownIds = new Set(own.rows.map((r) => r.id));
        const matches = this.seen.filter(
          (e) => e.type === type && e.subject === requestId && ownIds.has(e.id),
        );
        if (matches.length < count) {
          throw new Error(`${matches.length} of ${count} ${type} for ${requestId} so far`);
        }
        return matches;
      },
      { timeoutMs: 30_000, description: `${type} on Kafka` },
    );
    for (const event of events) {
      const verdict = validateEvent(event.type, event.data);
      if (!verdict.ok)
        throw new Error(`${type} breaks its contract: ${JSON.stringify(verdict.issues)}`);
    }
    return events;
  }

  /** Offers the service recorded for a request (waits until `count` exist). */
  async offers(requestId: string, count = 1) {
    return expectEventually(
      async () => {
        const rows = await this.db.query<{
          id: string;
          property_id: string;
          provider_organisation_id: string;
          state: string;
          end_reason: string | null;
          hold_expires_at: Date;
        }>(
          `SELECT id, property_id, provider_organisation_id, state, end_reason, hold_expires_at
             FROM "${this.schema}".offer WHERE request_id = $1 ORDER BY offered_at, rank`,
          [requestId],
        );
        if (rows.rows.length < count) throw new Error(`${rows.rows.length} offers so far`);
        return rows.rows;
      },
      { timeoutMs: 30_000, description: `${count} offers for ${requestId}` },
    );
  }

  /** The request's state once it is stored (and matched). */
  async requestState(requestId: string): Promise<string> {
    return expectEventually(async () => {
      const rows = await this.db.query<{ state: string }>(
        `SELECT state FROM "${this.schema}".bed_request WHERE id = $1`,
        [requestId],
      );
      if (rows.rows.length === 0) throw new Error('request not stored yet');
      return rows.rows[0]!.state;
    });
  }

  /**
   * Takes every property registered so far out of matching (no bed available), so each test
   * sees only the properties it registers itself.
   */
  async retireProperties(): Promise<void> {
    await this.db.query(`UPDATE "${this.schema}".property SET available_beds = 0`);
  }

  /** Makes a request's holds lapse now (as if their time had passed), for the timer tests. */
  async lapseHolds(requestId: string): Promise<void> {
    await this.db.query(
      `UPDATE "${this.schema}".offer SET hold_expires_at = now() - interval '1 second'
        WHERE request_id = $1 AND state = 'offered'`,
      [requestId],
    );
  }
}
