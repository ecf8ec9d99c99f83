import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import {
  createEvent,
  createKafka,
  deadLetterHeaders,
  dlqTopicOf,
  ensureTopics,
  type KafkaClient,
  readDlq,
  toKafkaMessage,
} from '@harbour/messaging';
import {
  AuditLog,
  createAuditController,
  createLogger,
  type IdentityStore,
  openServiceDatabase,
  type OrganisationKind,
  type Role,
} from '@harbour/platform';
import {
  createTestSchema,
  testDatabaseUrl,
  testKafkaBrokers,
  type TestSchema,
  uniqueName,
} from '@harbour/testing';
import type { Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { NOTIFICATION_MIGRATIONS } from '../migrations';
import { AUDIT_LOGS, DEAD_LETTER_DESK } from '../tokens';
import { DeadLetterDesk, deadLetterResourceId } from './dead-letter-desk';
import { DeadLettersController } from './dead-letters.controller';
import { CliError } from '../cli/cli-error';
import { replayDeadLetters } from '../cli/dlq-commands';
import { startGuardedTestApp } from '../test-support/notification-test-harness';

jest.setTimeout(120_000);

const NAME = 'Elira Poisoncase';

interface ListBody {
  topic: string;
  total: number;
  deadLetters: {
    position: string;
    eventId: string | null;
    eventType: string | null;
    reason: string;
    error: string;
    consumer: string | null;
    failedAt: string | null;
    replays: { at: string; actor: Record<string, string> }[];
  }[];
}

/**
 * Dead letters over the real broker and Postgres: a topic of this suite's own with two dead
 * letters (bodies holding a name), listed by their headers only, one replayed to its topic
 * with the replay in the audit chain, and the routes refused to anyone but a coordinator's
 * administrator and to malformed requests.
 */
describe('notification: dead letters for the coordinator, with replay', () => {
  const logger = createLogger({ service: 'dead-letters-test', level: 'warn' });
  let schema: TestSchema;
  let identitySchema: TestSchema;
  let dataSource: DataSource;
  let identity: IdentityStore;
  let closeDatabase: () => Promise<void>;
  let kafka: KafkaClient;
  let producer: Producer;
  let app: INestApplication;
  let baseUrl: string;
  let audit: AuditLog;
  const topic = uniqueName('harbour.test.dead-letter-desk');
  const events = [randomUUID(), randomUUID()];
  const keys: Record<string, string> = {};

  const keyFor = async (kind: OrganisationKind, roles: Role[]) => {
    const organisation = await identity.createOrganisation({
      name: uniqueName(`${kind} dead letters`),
      kind,
      boroughs: ['pan_london'],
    });
    return (await identity.issueApiKey({ organisationId: organisation.id, roles, label: 'test' }))
      .key;
  };

  beforeAll(async () => {
    schema = await createTestSchema('notification_dlq');
    identitySchema = await createTestSchema('identity_dlq');
    const database = await openServiceDatabase({
      service: 'notification',
      databaseUrl: testDatabaseUrl(),
      schema: schema.schema,
      migrations: NOTIFICATION_MIGRATIONS,
      identitySchema: identitySchema.schema,
    });
    dataSource = database.dataSource;
    identity = database.identity;
    closeDatabase = () => database.close();
    audit = new AuditLog(dataSource);
    kafka = createKafka({ brokers: testKafkaBrokers(), clientId: 'dead-letters-test', logger });
    await ensureTopics(kafka, [topic, dlqTopicOf(topic)]);
    producer = kafka.producer();
    await producer.connect();

    // Two events a consumer gave up on, as EventConsumer dead-letters them.
    for (const [index, id] of events.entries()) {
      const event = createEvent({
        id,
        type: 'harbour.missing-episode.reported',
        source: '/harbour/intake',
        subject: id,
        data: { person: { name: NAME }, index },
      });
      const message = toKafkaMessage(event, id);
      await producer.send({
        topic: dlqTopicOf(topic),
        acks: -1,
        messages: [
          {
            key: message.key,
            value: message.value,
            headers: deadLetterHeaders(message.headers, {
              reason: index === 0 ? 'invalid-payload' : 'handler-failed',
              error: index === 0 ? '/person: must NOT have additional properties' : 'Error: boom',
              sourceTopic: topic,
              sourcePartition: 0,
              sourceOffset: String(index),
              consumer: 'safeguarding-test',
              failedAt: new Date(Date.now() - (2 - index) * 60_000),
            }),
          },
        ],
      });
    }

    const AuditController = createAuditController({
      chains: ['notification'],
      logs: AUDIT_LOGS,
      listAction: 'notification.audit.list',
      exportAction: 'notification.audit.export',
    });
    ({ app, baseUrl } = await startGuardedTestApp({
      service: 'dead-letters-test',
      logger,
      identity,
      controllers: [DeadLettersController, AuditController],
      providers: [
        {
          provide: DEAD_LETTER_DESK,
          useValue: new DeadLetterDesk({ kafka, dataSource, audit, topics: [topic] }),
        },
        { provide: AUDIT_LOGS, useValue: { notification: audit } },
      ],
    }));

    keys['admin'] = await keyFor('coordinator', ['admin']);
    keys['coordinatorRead'] = await keyFor('coordinator', ['read', 'respond', 'submit']);
    keys['police'] = await keyFor('police_borough', ['admin', 'read', 'submit', 'respond']);
    keys['provider'] = await keyFor('housing_provider', ['admin', 'read']);
  });

  afterAll(async () => {
    await app.close();
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic, dlqTopicOf(topic)] }).catch(() => undefined);
    await admin.disconnect();
    await closeDatabase();
    await schema.drop();
    await identitySchema.drop();
  });

  const call = (method: string, path: string, key: string | undefined, body?: unknown) =>
    fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined
        ? {}
        : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  const list = async (): Promise<ListBody> => {
    const response = await call('GET', `/v1/dead-letters/${topic}`, keys['admin']);
    expect(response.status).toBe(200);
    return (await response.json()) as ListBody;
  };
  const replayEntries = async () =>
    (await audit.page({ action: 'dead_letter.replayed', limit: 100 })).entries;

  it('counts the dead letters of each topic', async () => {
    const response = await call('GET', '/v1/dead-letters', keys['admin']);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ topics: [{ topic, deadLetters: 2 }] });
  });

  it('lists a topic’s dead letters newest first by their headers, never the body', async () => {
    const response = await call('GET', `/v1/dead-letters/${topic}`, keys['admin']);
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(text).not.toContain('Poisoncase');
    const body = JSON.parse(text) as ListBody;
    expect(body.total).toBe(2);
    expect(body.deadLetters.map((d) => d.eventId)).toEqual([events[1], events[0]]);
    expect(body.deadLetters[1]).toEqual({
      position: expect.stringMatching(/^\d+:\d+$/) as string,
      partition: expect.any(Number) as number,
      offset: expect.stringMatching(/^\d+$/) as string,
      eventId: events[0],
      eventType: 'harbour.missing-episode.reported',
      eventSource: '/harbour/intake',
      reason: 'invalid-payload',
      error: '/person: must NOT have additional properties',
      consumer: 'safeguarding-test',
      sourcePartition: 0,
      sourceOffset: '0',
      failedAt: expect.any(String) as string,
      replays: [],
    });
  });

  it('replays the chosen dead letter to its topic and records who replayed which', async () => {
    const before = await list();
    const chosen = before.deadLetters.find((d) => d.eventId === events[0])!;
    const response = await call('POST', `/v1/dead-letters/${topic}/replays`, keys['admin'], {
      positions: [chosen.position],
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ topic, replayed: [chosen.position] });

    // Back on the source topic (read as a DLQ is: by headers) without the dead-letter annotations.
    const republished = await readDlq(kafka, topic, { timeoutMs: 30_000 });
    expect(republished).toEqual([
      expect.objectContaining({
        eventId: events[0],
        eventType: 'harbour.missing-episode.reported',
        reason: 'unknown',
        error: '',
        consumer: null,
        failedAt: null,
      }),
    ]);

    // One audit entry: the key that replayed, which message, its type and why it had failed.
    const [entry, ...others] = await replayEntries();
    expect(others).toEqual([]);
    expect(entry).toMatchObject({
      action: 'dead_letter.replayed',
      actor: { type: 'api_key', organisationKind: 'coordinator' },
      resource: {
        kind: 'dead_letter',
        id: deadLetterResourceId(
          topic,
          Number(chosen.position.split(':')[0]),
          chosen.position.split(':')[1]!,
        ),
      },
      details: {
        topic,
        position: chosen.position,
        eventId: events[0],
        eventType: 'harbour.missing-episode.reported',
        dlqReason: 'invalid-payload',
      },
    });
    expect(JSON.stringify(entry)).not.toContain('Poisoncase');
    await expect(audit.verify()).resolves.toMatchObject({ intact: true, entries: 1 });

    // The audit API finds it by the new action, and the list shows the replay.
    const audited = await call(
      'GET',
      '/v1/audit?action=dead_letter.replayed&resource=dead_letter',
      keys['admin'],
    );
    expect(audited.status).toBe(200);
    expect(((await audited.json()) as { entries: unknown[] }).entries).toHaveLength(1);
    const after = await list();
    const replayed = after.deadLetters.find((d) => d.eventId === events[0])!;
    expect(replayed.replays).toEqual([
      {
        at: entry!.at.toISOString(),
        actor: expect.objectContaining({ type: 'api_key' }) as object,
      },
    ]);
    expect(after.deadLetters.find((d) => d.eventId === events[1])?.replays).toEqual([]);
  });

  it('is a coordinator administrator’s alone: 401 without a key, 403 for everyone else', async () => {
    const routes: [string, string, unknown][] = [
      ['GET', '/v1/dead-letters', undefined],
      ['GET', `/v1/dead-letters/${topic}`, undefined],
      ['POST', `/v1/dead-letters/${topic}/replays`, { positions: ['0:0'] }],
    ];
    for (const [method, path, body] of routes) {
      expect([path, (await call(method, path, undefined, body)).status]).toEqual([path, 401]);
      for (const who of ['coordinatorRead', 'police', 'provider']) {
        const response = await call(method, path, keys[who], body);
        expect([path, who, response.status]).toEqual([path, who, 403]);
      }
    }
  });

  it('refuses unknown topics and malformed replays, replaying and recording nothing', async () => {
    const audited = (await replayEntries()).length;
    for (const path of [
      `/v1/dead-letters/${dlqTopicOf(topic)}`,
      '/v1/dead-letters/harbour.safeguarding.alert.v1',
      '/v1/dead-letters/%2e%2e',
      `/v1/dead-letters/${topic}'%20OR%201=1`,
    ]) {
      const response = await call('GET', path, keys['admin']);
      expect([path, response.status]).toEqual([path, 404]);
    }
    const unknownTopic = await call(
      'POST',
      '/v1/dead-letters/harbour.safeguarding.alert.v1/replays',
      keys['admin'],
      { positions: ['0:0'] },
    );
    expect(unknownTopic.status).toBe(404);

    const many = Array.from({ length: 51 }, (_, i) => `0:${i}`);
    const cases: [unknown, string[]][] = [
      [{}, ['/positions']],
      [{ positions: [] }, ['/positions']],
      [{ positions: '0:0' }, ['/positions']],
      [{ positions: many }, ['/positions']],
      [{ positions: ['0'] }, ['/positions/0']],
      [
        { positions: ['0:0', '-1:2', '0:1e3', 7] },
        ['/positions/1', '/positions/2', '/positions/3'],
      ],
      [{ positions: ['0:0', '0:0'] }, ['/positions']],
      [{ positions: ['0:0'], all: true }, ['/all']],
      [{ positions: ['0:999999'] }, ['/positions/0']],
      [['0:0'], ['']],
    ];
    for (const [body, pointers] of cases) {
      const response = await call('POST', `/v1/dead-letters/${topic}/replays`, keys['admin'], body);
      const problem = (await response.json()) as { errors?: { pointer: string }[] };
      expect([body, response.status, problem.errors?.map((e) => e.pointer)]).toEqual([
        body,
        400,
        pointers,
      ]);
    }
    const notJson = await call('POST', `/v1/dead-letters/${topic}/replays`, keys['admin'], '{"pos');
    expect(notJson.status).toBe(400);

    expect(await replayEntries()).toHaveLength(audited);
    expect(await readDlq(kafka, topic, { timeoutMs: 30_000 })).toHaveLength(1);
  });

  it('records a replay from the command line too: by the command line, for the command', async () => {
    const audited = (await replayEntries()).length;
    const second = (await list()).deadLetters.find((d) => d.eventId === events[1])!;
    // A position the topic does not hold: refused, nothing replayed or recorded.
    await expect(
      replayDeadLetters(kafka, { dataSource, audit }, topic, ['0:999999'], [topic]),
    ).rejects.toThrow(CliError);
    expect(await replayEntries()).toHaveLength(audited);

    await expect(
      replayDeadLetters(kafka, { dataSource, audit }, topic, [second.position], [topic]),
    ).resolves.toBe(1);
    const entries = await replayEntries();
    expect(entries).toHaveLength(audited + 1);
    expect(entries.find((e) => e.details['eventId'] === events[1])).toMatchObject({
      actor: { type: 'system', component: 'cli' },
      reason: `harbour dlq replay ${topic}`,
      details: { position: second.position, dlqReason: 'handler-failed' },
    });
    await expect(audit.verify()).resolves.toMatchObject({ intact: true });
  });
});
