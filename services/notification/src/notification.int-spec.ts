import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { AlertRequested } from '@harbour/contracts';
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
  runMigrationsLocked,
} from '@harbour/platform';
import {
  createTestSchema,
  expectEventually,
  type InboxMessage,
  SmtpInbox,
  startGroupAtTopicEnd,
  testDatabaseUrl,
  testKafkaBrokers,
  testRedisUrl,
  testSmtpUrl,
  type TestSchema,
  uniqueName,
} from '@harbour/testing';
import { type Admin, type Consumer, Partitioners, type Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { AlertRepository } from './alerts/alert-repository';
import { createNotificationApp } from './bootstrap';
import { type CliContext, openCliContext } from './cli/cli-context';
import { addContact } from './cli/contact-commands';
import { addOrganisation } from './cli/organisation-commands';
import { loadNotificationConfig } from './config';
import { DeliveryRepository } from './delivery/delivery-repository';
import {
  deleteQueueKeys,
  type PublishedPosition,
  publishEvents,
  waitUntilConsumedPast,
} from './test-support/notification-test-harness';
import { NOTIFICATION_DATA_SOURCE } from './tokens';

jest.setTimeout(120_000);

const ALERT_TOPIC = 'harbour.safeguarding.alert.v1';
const DELIVERY_TOPIC = 'harbour.notification.delivery.v1';
const CAMDEN = 'E09000007';
const CROYDON = 'E09000008';

describe('notification: alert requested → e-mail delivered', () => {
  const logger = createLogger({ service: 'notification-test', level: 'warn' });
  const inbox = new SmtpInbox();
  const run = uniqueName('n');
  const camdenAddress = `mpu.camden.${run}@test.harbour.localhost`;
  const croydonAddress = `mpu.croydon.${run}@test.harbour.localhost`;
  let schema: TestSchema;
  let app: INestApplication;
  let baseUrl: string;
  let dataSource: DataSource;
  let cli: CliContext;
  let producer: Producer;
  let admin: Admin;
  let deliveryReader: Consumer;
  let identityDataSource: DataSource;
  let camdenMpuId: string;
  let croydonMpuId: string;
  let coordinatorKey: string;
  let camdenKey: string;
  const groupId = uniqueName('notification');
  const queuePrefix = uniqueName('nq');
  const deliveryEvents: HarbourEvent[] = [];

  beforeAll(async () => {
    schema = await createTestSchema('notification');
    const config = loadNotificationConfig({
      DATABASE_URL: testDatabaseUrl(),
      REDIS_URL: testRedisUrl(),
      KAFKA_BROKERS: testKafkaBrokers().join(','),
      SMTP_URL: testSmtpUrl(),
      NOTIFICATION_DB_SCHEMA: schema.schema,
      NOTIFICATION_KAFKA_GROUP: groupId,
      NOTIFICATION_QUEUE_PREFIX: queuePrefix,
      NOTIFICATION_SWEEP_INTERVAL_MS: '200',
      NOTIFICATION_RETRY_BASE_MS: '200',
      NOTIFICATION_ACK_SECRET: 'integration-test-acknowledgement-secret-0123456789',
      DATA_ENCRYPTION_KEY: generateDataEncryptionKey(),
      LOG_LEVEL: 'warn',
    });
    // The shared alert topic holds every earlier run's alerts: this service's new group starts
    // at its end and reads only this suite's.
    const setup = createKafka({
      brokers: testKafkaBrokers(),
      clientId: `${groupId}-setup`,
      logger,
    });
    await ensureTopics(setup, [ALERT_TOPIC]);
    const setupAdmin = setup.admin();
    await setupAdmin.connect();
    try {
      await startGroupAtTopicEnd(setupAdmin, groupId, ALERT_TOPIC);
    } finally {
      await setupAdmin.disconnect();
    }
    app = await createNotificationApp(config, logger);
    await app.listen(0, '127.0.0.1');
    baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    dataSource = app.get<DataSource>(NOTIFICATION_DATA_SOURCE);

    // The directory, as an administrator would set it up.
    cli = await openCliContext({
      databaseUrl: testDatabaseUrl(),
      notificationSchema: schema.schema,
    });
    camdenMpuId = (
      await addOrganisation(cli, {
        name: `Camden MPU ${run}`,
        kind: 'missing_person_unit',
        boroughs: [CAMDEN],
      })
    ).organisation.id;
    croydonMpuId = (
      await addOrganisation(cli, {
        name: `Croydon MPU ${run}`,
        kind: 'missing_person_unit',
        boroughs: [CROYDON],
      })
    ).organisation.id;
    await addContact(cli, { organisationId: camdenMpuId, email: camdenAddress });
    await addContact(cli, { organisationId: croydonMpuId, email: croydonAddress });

    identityDataSource = createIdentityDataSource(testDatabaseUrl());
    await runMigrationsLocked(identityDataSource, 'harbour:identity');
    const identity = new IdentityStore(identityDataSource);
    const coordinator = await identity.createOrganisation({
      name: `Coordinator ${run}`,
      kind: 'coordinator',
      boroughs: ['pan_london'],
    });
    coordinatorKey = (
      await identity.issueApiKey({
        organisationId: coordinator.id,
        roles: ['admin'],
        label: 'test',
      })
    ).key;
    camdenKey = (
      await identity.issueApiKey({
        organisationId: camdenMpuId,
        roles: ['admin', 'read'],
        label: 'test',
      })
    ).key;

    const kafka = createKafka({
      brokers: testKafkaBrokers(),
      clientId: 'notification-test',
      logger,
    });
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    admin = kafka.admin();
    await admin.connect();
    deliveryReader = kafka.consumer({ groupId: uniqueName('delivery-reader') });
    await deliveryReader.connect();
    await deliveryReader.subscribe({ topic: DELIVERY_TOPIC, fromBeginning: true });
    await deliveryReader.run({
      eachMessage: ({ message }) => {
        const event = eventOrUndefined(message);
        if (event !== undefined) deliveryEvents.push(event);
        return Promise.resolve();
      },
    });
  }, 300_000);

  afterAll(async () => {
    await deliveryReader.disconnect();
    await admin.disconnect();
    await producer.disconnect();
    await cli.close();
    await identityDataSource.destroy();
    await app.close();
    await schema.drop();
    await deleteQueueKeys(queuePrefix);
  });

  function alertRequested(boroughs: AlertRequested['audience']['boroughs']): AlertRequested {
    return {
      alertId: randomUUID(),
      cause: { kind: 'missing_episode', id: randomUUID(), eventId: randomUUID() },
      severity: 'critical',
      acknowledgeWithinMinutes: 15,
      audience: { roles: ['missing_person_unit'], boroughs, ageGroup: 'child' },
      disclosure: { level: 'operational' },
      summary: {
        title: 'Missing child — trafficking marker',
        lines: [
          { label: 'Age', value: '15' },
          { label: 'Police risk grade', value: 'medium' },
        ],
      },
      requestedAt: new Date().toISOString(),
    };
  }

  /** Publishes the event `copies` times in one batch; returns where the last copy landed. */
  async function publish(alert: AlertRequested, copies = 1): Promise<PublishedPosition> {
    const event = createEvent({
      type: 'harbour.alert.requested',
      source: '/harbour/safeguarding',
      subject: alert.alertId,
      data: alert,
    });
    return publishEvents(
      producer,
      ALERT_TOPIC,
      alert.alertId,
      Array<HarbourEvent>(copies).fill(event),
    );
  }

  /** Waits until the service's consumer group has committed past `offset`: it has processed it. */
  const consumedPast = (position: PublishedPosition) =>
    waitUntilConsumedPast(admin, groupId, ALERT_TOPIC, position);

  const mentions = (alertId: string) => (m: InboxMessage) => (m.text ?? '').includes(alertId);

  async function deliveriesOf(alertId: string) {
    return new DeliveryRepository(dataSource).viewsOfAlert(alertId);
  }

  it('e-mails the borough’s unit once, with a stable Message-ID, and publishes harbour.alert.delivered', async () => {
    const alert = alertRequested([CAMDEN]);
    // The same event twice: the second is a redelivery and must change nothing.
    const position = await publish(alert, 2);

    const email = await inbox.waitFor(
      (m) => m.to.some((t) => t.address === camdenAddress) && mentions(alert.alertId)(m),
      {
        timeoutMs: 60_000,
        description: 'the alert e-mail to the Camden unit',
      },
    );
    const [delivery] = await deliveriesOf(alert.alertId);
    expect(delivery).toBeDefined();
    expect(email.headers['message-id']).toBe(`<${delivery!.id}@harbour.localhost>`);
    expect(email.subject).toBe(
      '[CRITICAL] Missing child — trafficking marker — Camden — acknowledge within 15 min',
    );
    // Operational: the e-mail is the notice, and the lines are behind its link.
    expect(email.text).toContain('Details: the operational details are not sent by e-mail');
    expect(email.text).not.toContain('Police risk grade');

    await expectEventually(async () => {
      const [row] = await deliveriesOf(alert.alertId);
      expect(row?.status).toBe('sent');
    });
    const delivered = await expectEventually(
      () => {
        const found = deliveryEvents.find(
          // Other services on the shared topic may deliver the same alert to their own
          // directories: this delivery is the one to look for.
          (e) =>
            e.type === 'harbour.alert.delivered' &&
            (e.data as { deliveryId: string }).deliveryId === delivery!.id,
        );
        if (!found) throw new Error('not yet');
        return found;
      },
      { timeoutMs: 30_000, description: 'harbour.alert.delivered on the delivery topic' },
    );
    expect(delivered.data).toMatchObject({
      deliveryId: delivery!.id,
      organisationId: camdenMpuId,
      channel: 'email',
      messageId: delivery!.messageId,
    });

    // The duplicate has been consumed: still one delivery, one e-mail.
    await consumedPast(position);
    expect(await deliveriesOf(alert.alertId)).toHaveLength(1);
    expect((await inbox.messagesTo(camdenAddress)).filter(mentions(alert.alertId))).toHaveLength(1);
  });

  it('sends nothing to an organisation of another borough', async () => {
    const alert = alertRequested([CAMDEN]);
    const position = await publish(alert);
    await inbox.waitFor(
      (m) => m.to.some((t) => t.address === camdenAddress) && mentions(alert.alertId)(m),
      {
        timeoutMs: 60_000,
      },
    );
    await consumedPast(position);
    const deliveries = await deliveriesOf(alert.alertId);
    expect(deliveries.map((d) => d.organisationId)).toEqual([camdenMpuId]);
    expect((await inbox.messagesTo(croydonAddress)).filter(mentions(alert.alertId))).toEqual([]);
  });

  it('records an alert that reaches nobody, with no deliveries', async () => {
    const alert = alertRequested(['E09000029']);
    await consumedPast(await publish(alert));
    const recorded = await new AlertRepository(dataSource).find(alert.alertId, dataSource.manager);
    expect(recorded?.state).toBe('open');
    expect(recorded?.acknowledgeBy.toISOString()).toBe(
      new Date(Date.parse(alert.requestedAt) + 15 * 60_000).toISOString(),
    );
    expect(await deliveriesOf(alert.alertId)).toEqual([]);
  });

  it('still sends a delivery that was committed but never queued (a crash in between)', async () => {
    const alert = alertRequested([CAMDEN]);
    const [contact] = await cli.directory.contactsOf([camdenMpuId]);
    await dataSource.transaction(async (manager) => {
      await new AlertRepository(dataSource).record(alert, manager);
      await new DeliveryRepository(dataSource).addPending(
        [
          {
            alertId: alert.alertId,
            organisationId: camdenMpuId,
            contactId: contact!.id,
            channel: 'email',
            address: camdenAddress,
            matchedRule: 'role=missing_person_unit & borough=E09000007 & age=child',
          },
        ],
        manager,
      );
    });
    // Nobody kicks the dispatcher: only its sweep can find this delivery.
    await inbox.waitFor(
      (m) => m.to.some((t) => t.address === camdenAddress) && mentions(alert.alertId)(m),
      {
        timeoutMs: 30_000,
        description: 'the e-mail of the orphaned delivery',
      },
    );
    await expectEventually(async () => {
      const [row] = await deliveriesOf(alert.alertId);
      expect(row?.status).toBe('sent');
    });
  });

  describe('GET /v1/alerts/{alertId}/deliveries', () => {
    const get = (path: string, key?: string) =>
      fetch(`${baseUrl}${path}`, {
        headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
      });

    it('tells a coordinator admin who got an alert, why, and how it went', async () => {
      const alert = alertRequested([CAMDEN]);
      await publish(alert);
      const body = await expectEventually(
        async () => {
          const response = await get(`/v1/alerts/${alert.alertId}/deliveries`, coordinatorKey);
          expect(response.status).toBe(200);
          const json = (await response.json()) as { deliveries: { status: string }[] };
          expect(json.deliveries.map((d) => d.status)).toEqual(['sent']);
          return json;
        },
        { timeoutMs: 60_000 },
      );
      expect(body).toMatchObject({
        alertId: alert.alertId,
        severity: 'critical',
        state: 'open',
        deliveries: [
          {
            organisation: { id: camdenMpuId, kind: 'missing_person_unit' },
            address: camdenAddress,
            matchedRule: 'role=missing_person_unit & borough=E09000007 & age=child',
            attempts: 1,
            purpose: 'alert',
            providerResponse: expect.stringMatching(/^250/) as unknown,
            log: [
              { event: 'queued', detail: 'channel=email', at: expect.any(String) as unknown },
              {
                event: 'sent',
                detail: expect.stringMatching(/^250/) as unknown,
                at: expect.any(String) as unknown,
              },
            ],
          },
        ],
      });

      // The answer named contacts' addresses: each such read is in the audit chain, the
      // field's name and the reader's key, never the address.
      const reads = await dataSource.query<{ actor: { type: string }; details: unknown }[]>(
        `SELECT actor, details FROM "${schema.schema}".audit_log
          WHERE action = 'personal_data.read' AND resource_kind = 'alert' AND resource_id = $1`,
        [alert.alertId],
      );
      expect(reads.length).toBeGreaterThanOrEqual(1);
      for (const read of reads) {
        expect(read).toEqual({
          actor: expect.objectContaining({ type: 'api_key' }) as unknown,
          details: { fields: ['deliveries.address'] },
        });
      }
      expect(JSON.stringify(reads)).not.toContain(camdenAddress);
    });

    it('is closed to everyone else', async () => {
      const alertId = randomUUID();
      for (const path of [`/v1/alerts/${alertId}/deliveries`, `/v1/alerts/${alertId}`]) {
        expect((await get(path)).status).toBe(401);
        expect((await get(path, camdenKey)).status).toBe(403);
        expect((await get(path, coordinatorKey)).status).toBe(404);
      }
      expect((await get('/v1/alerts/not-a-uuid/deliveries', coordinatorKey)).status).toBe(400);
      expect((await get('/v1/alerts/not-a-uuid', coordinatorKey)).status).toBe(400);
    });

    it('shows an alert open with its escalation timer, then closed by harbour.alert.cancelled, with [CLOSED] sent', async () => {
      const alert = alertRequested([CAMDEN]);
      await publish(alert);
      const open = await expectEventually(
        async () => {
          const response = await get(`/v1/alerts/${alert.alertId}`, coordinatorKey);
          expect(response.status).toBe(200);
          return (await response.json()) as Record<string, unknown>;
        },
        { timeoutMs: 60_000, description: 'the alert recorded' },
      );
      expect(open).toMatchObject({
        alertId: alert.alertId,
        title: alert.summary.title,
        state: 'open',
        closedAt: null,
        supersededBy: null,
        // Critical, no policy of its own: the default's first level at the acknowledge-by time.
        escalationTimers: [{ level: 1, round: 0, state: 'pending', firedAt: null }],
      });

      const cancelled = createEvent({
        type: 'harbour.alert.cancelled',
        source: '/harbour/safeguarding',
        subject: alert.alertId,
        data: {
          alertId: alert.alertId,
          cancelledAt: new Date().toISOString(),
          reason: 'Found safe in Camden; this alert is closed. No further action is needed on it.',
        },
      });
      await producer.send({
        topic: ALERT_TOPIC,
        acks: -1,
        messages: [toKafkaMessage(cancelled, alert.alertId)],
      });
      // An e2e stack on the same broker also consumes this alert (and, finding no Camden unit in
      // its own directory, tells its coordinator): only this test's recipient counts.
      const toCamden = (m: InboxMessage) => m.to.some((t) => t.address === camdenAddress);
      const closure = await inbox.waitFor(
        (m) => mentions(alert.alertId)(m) && m.subject.startsWith('[CLOSED]') && toCamden(m),
        { timeoutMs: 60_000, description: 'the [CLOSED] e-mail to Camden' },
      );
      expect(closure.subject).toBe(`[CLOSED] ${alert.summary.title}`);
      expect(closure.to.map((t) => t.address)).toEqual([camdenAddress]);

      const closed = (await (
        await get(`/v1/alerts/${alert.alertId}`, coordinatorKey)
      ).json()) as Record<string, unknown>;
      expect(closed).toMatchObject({
        state: 'closed',
        closedAt: (cancelled.data as { cancelledAt: string }).cancelledAt,
        closureReason:
          'Found safe in Camden; this alert is closed. No further action is needed on it.',
        escalationTimers: [{ level: 1, round: 0, state: 'cancelled', firedAt: null }],
      });
      await expectEventually(async () => {
        const response = await get(`/v1/alerts/${alert.alertId}/deliveries`, coordinatorKey);
        const body = (await response.json()) as {
          state: string;
          deliveries: { purpose: string; status: string; matchedRule: string }[];
        };
        expect(body.state).toBe('closed');
        expect(body.deliveries.map((d) => [d.purpose, d.status])).toEqual([
          ['alert', 'sent'],
          ['closure', 'sent'],
        ]);
        expect(body.deliveries[1]?.matchedRule).toBe(
          'closure & role=missing_person_unit & borough=E09000007 & age=child',
        );
      });
    });

    it('gives the coordinator the directory in Open Referral shape, and refuses a bad import whole', async () => {
      const response = await get('/v1/directory', coordinatorKey);
      expect(response.status).toBe(200);
      const directory = (await response.json()) as {
        organizations: { id: string; services: { contacts: { email?: string }[] }[] }[];
      };
      const camden = directory.organizations.find((o) => o.id === camdenMpuId);
      expect(camden?.services[0]?.contacts.map((c) => c.email)).toEqual([camdenAddress]);

      const bad = await fetch(`${baseUrl}/v1/directory/import`, {
        method: 'POST',
        headers: { authorization: `Bearer ${coordinatorKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          organizations: [{ id: 'x', name: '', x_harbour_kind: 'ngo', services: [] }],
        }),
      });
      expect(bad.status).toBe(400);
      const problem = (await bad.json()) as { errors: { pointer: string }[] };
      expect(problem.errors.map((e) => e.pointer)).toEqual([
        '/organizations/0/id',
        '/organizations/0/name',
        '/organizations/0/services',
      ]);
      expect((await get('/v1/directory', camdenKey)).status).toBe(403);
      expect((await get('/v1/directory')).status).toBe(401);
    });

    it('leaves health and readiness open, with every dependency up', async () => {
      expect((await get('/health')).status).toBe(200);
      const ready = await get('/ready');
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({
        status: 'ready',
        checks: { postgres: 'up', redis: 'up', kafka: 'up' },
      });
    });
  });
});
