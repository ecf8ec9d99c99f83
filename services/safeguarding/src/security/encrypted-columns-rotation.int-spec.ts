import { randomInt, randomUUID } from 'node:crypto';
import {
  type EventType,
  type MissingEpisodeReported,
  type ReferralSubmitted,
  topicFor,
  validateEvent,
} from '@harbour/contracts';
import { createEvent, createKafka, toKafkaMessage } from '@harbour/messaging';
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
import type { Producer } from 'kafkajs';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createSafeguardingApp } from '../bootstrap';
import { loadSafeguardingConfig } from '../config';
import { SAFEGUARDING_ENCRYPTED_COLUMNS } from './encrypted-columns';

jest.setTimeout(240_000);

const CAMDEN = 'E09000007';
const LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

/** A valid postcode no other run uses (the consumer replays the shared topics' history). */
function freshPostcode(): string {
  const l = () => LETTERS[randomInt(LETTERS.length)] ?? 'A';
  return `${l()}${l()}${randomInt(10)}${l()} ${randomInt(10)}${l()}${l()}`;
}

/** Keeps the service's log lines, so the test can wait for the job's completion line. */
class RecordingLogger implements Logger {
  readonly messages: string[] = [];
  private record() {
    return (fields: object | string, message?: unknown) => {
      this.messages.push(
        typeof fields === 'string' ? fields : typeof message === 'string' ? message : '',
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
 * A key rotation through safeguarding's real runtime: the known-victim index and the person keys
 * (blind indexes) must keep matching across it, while every encrypted column moves to the new key.
 */
describe('safeguarding: rotating DATA_ENCRYPTION_KEY keeps the known-victim index matching', () => {
  const k1 = generateDataEncryptionKey();
  const k2 = generateDataEncryptionKey();
  let schema: TestSchema;
  let identityDs: DataSource;
  let db: Client;
  let producer: Producer;
  let policeKey = '';
  /** One consumer group for every start: a restart resumes where the last one stopped. */
  const group = uniqueName('sg_rotation');
  const running = new Set<INestApplication>();

  beforeAll(async () => {
    schema = await createTestSchema('sg_rotation');
    identityDs = createIdentityDataSource(testDatabaseUrl());
    await identityDs.initialize();
    const identity = new IdentityStore(identityDs);
    const police = await identity.createOrganisation({
      name: uniqueName('rotation police'),
      kind: 'police_borough',
      boroughs: [CAMDEN],
    });
    policeKey = (
      await identity.issueApiKey({ organisationId: police.id, roles: ['read'], label: 'test' })
    ).key;
    db = new Client({ connectionString: testDatabaseUrl() });
    await db.connect();
    producer = createKafka({
      brokers: testKafkaBrokers(),
      clientId: 'sg-rotation-test',
      logger: new RecordingLogger(),
    }).producer();
    await producer.connect();
  });

  afterAll(async () => {
    for (const app of running) await app.close();
    await producer.disconnect();
    await db.end();
    await identityDs.destroy();
    await schema.drop();
  });

  async function startSafeguarding(keys: Record<string, string>, logger: Logger) {
    const config = loadSafeguardingConfig({
      ...process.env,
      DATABASE_URL: testDatabaseUrl(),
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      SAFEGUARDING_DB_SCHEMA: schema.schema,
      SAFEGUARDING_KAFKA_GROUP: group,
      ...keys,
    });
    const app = await createSafeguardingApp(config, logger);
    running.add(app);
    await app.listen(0, '127.0.0.1');
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    return {
      url,
      close: async () => {
        running.delete(app);
        await app.close();
      },
    };
  }

  const publish = async (type: EventType, data: unknown, key: string) => {
    // A payload the contract refuses would be dead-lettered, and the test would wait in vain.
    const verdict = validateEvent(type, data);
    if (!verdict.ok)
      throw new Error(`${type} breaks its contract: ${JSON.stringify(verdict.issues)}`);
    const event = createEvent({ type, source: '/harbour/intake', subject: key, data });
    await producer.send({ topic: topicFor(type), messages: [toKafkaMessage(event, key)] });
  };

  const knownAt = async (url: string, postcode: string): Promise<boolean> => {
    const response = await fetch(`${url}/v1/known-victim-checks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${policeKey}` },
      body: JSON.stringify({ postcode }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { match: boolean }).match;
  };

  const rowExists = (table: string, column: string, id: string) =>
    expectEventually(
      async () => {
        const { rowCount } = await db.query(
          `SELECT 1 FROM "${schema.schema}".${table} WHERE ${column} = $1`,
          [id],
        );
        expect(rowCount).toBe(1);
      },
      { timeoutMs: 120_000, description: `${table} ${id} recorded` },
    );

  const tokens = async (): Promise<{ context: string; token: string }[]> => {
    const found: { context: string; token: string }[] = [];
    for (const { table, column, context } of SAFEGUARDING_ENCRYPTED_COLUMNS) {
      const { rows } = await db.query<{ token: string }>(
        `SELECT ${column} AS token FROM "${schema.schema}".${table} WHERE ${column} IS NOT NULL`,
      );
      found.push(...rows.map((row) => ({ context, token: row.token })));
    }
    return found;
  };

  it('matches the same places, and links the same person, before, during and after', async () => {
    const person = {
      givenName: `Given${randomUUID().slice(0, 8)}`,
      familyName: 'Kaya',
      dateOfBirth: '2006-01-01',
    };
    const place = freshPostcode();

    // 1. Before: one key. An open NRM referral with a place and a missing report of someone else.
    const before = await startSafeguarding({ DATA_ENCRYPTION_KEY: k1 }, new RecordingLogger());
    const referral: ReferralSubmitted = {
      referralId: randomUUID(),
      submittedBy: { organisationId: randomUUID(), organisationKind: 'ngo' },
      submittedAt: new Date().toISOString(),
      mechanism: 'nrm',
      subject: { isChild: false, ageDisputed: false, ageYears: 20, gender: 'male' },
      exploitationTypes: ['labour'],
      borough: CAMDEN,
      consent: { nrm: true, shareWith: [] },
      personal: person,
      linkedLocations: [{ postcode: place, kind: 'residence' }],
    };
    await publish('harbour.referral.submitted', referral, referral.referralId);
    const episode = (personal?: typeof person): MissingEpisodeReported => ({
      episodeId: randomUUID(),
      reportedBy: { organisationId: randomUUID(), organisationKind: 'police_borough' },
      reportedAt: new Date().toISOString(),
      child: { ageYears: 20, ageDisputed: false, gender: 'male' },
      isChild: false,
      traffickingMarkers: [],
      borough: CAMDEN,
      riskGrade: 'medium',
      lastSeenAt: new Date(Date.now() - 3_600_000).toISOString(),
      lastSeenLocation: { postcode: freshPostcode() },
      ...(personal ? { personal } : {}),
    });
    const otherEpisode = episode({ ...person, givenName: `${person.givenName}x` });
    await publish('harbour.missing-episode.reported', otherEpisode, otherEpisode.episodeId);
    await rowExists('referral_case', 'referral_id', referral.referralId);
    await rowExists('missing_episode', 'episode_id', otherEpisode.episodeId);
    expect(await knownAt(before.url, place)).toBe(true);
    await before.close();
    const k1Prefix = `v2.${dataKeyId(Buffer.from(k1, 'base64'))}.`;
    const written = await tokens();
    expect(written.length).toBeGreaterThanOrEqual(2);
    expect(written.every(({ token }) => token.startsWith(k1Prefix))).toBe(true);

    // 2. During: K2 current, K1 retired, the indexes pinned to K1; the job runs by itself.
    const logger = new RecordingLogger();
    const during = await startSafeguarding(
      { DATA_ENCRYPTION_KEY: k2, DATA_ENCRYPTION_RETIRED_KEYS: k1, DATA_INDEX_KEY: k1 },
      logger,
    );
    await expectEventually(
      () => {
        expect(logger.messages).toContain(
          'data re-encryption complete: every field is under the current key; the retired keys may now be removed',
        );
      },
      { timeoutMs: 60_000, description: 'the re-encryption job to report completion' },
    );
    expect(await knownAt(during.url, place)).toBe(true);
    await during.close();

    // 3. After: K1 gone. Every token opens with K2 alone; the place still matches, and a new
    // missing report of the referred person is linked to her open referral by person key.
    const k2Only = FieldCipher.fromConfig({ DATA_ENCRYPTION_KEY: k2, DATA_INDEX_KEY: k1 });
    const rotated = await tokens();
    // At least what was written: the group reads shared topics, so other tests' events may add rows.
    expect(rotated.length).toBeGreaterThanOrEqual(written.length);
    for (const { token, context } of rotated) {
      expect(() => k2Only.decrypt(token, context)).not.toThrow();
    }
    const after = await startSafeguarding(
      { DATA_ENCRYPTION_KEY: k2, DATA_INDEX_KEY: k1 },
      new RecordingLogger(),
    );
    expect(await knownAt(after.url, place)).toBe(true);
    expect(await knownAt(after.url, freshPostcode())).toBe(false);
    const sameperson = episode(person);
    await publish('harbour.missing-episode.reported', sameperson, sameperson.episodeId);
    await rowExists('missing_episode', 'episode_id', sameperson.episodeId);
    const { rows } = await db.query<{ markers: string[] }>(
      `SELECT markers_linked_by_harbour AS markers FROM "${schema.schema}".missing_episode
        WHERE episode_id = $1`,
      [sameperson.episodeId],
    );
    expect(rows[0]?.markers).toContain('open_nrm_referral');
    await after.close();
  });
});
