import { randomUUID } from 'node:crypto';
import type { AlertCancelled, AlertRequested, OrganisationKind } from '@harbour/contracts';
import {
  createEvent,
  createKafka,
  dlqTopicOf,
  type HarbourEvent,
  readDlq,
  replayDlq,
} from '@harbour/messaging';
import { createLogger } from '@harbour/platform';
import {
  expectEventually,
  type InboxMessage,
  SmtpInbox,
  testKafkaBrokers,
  testRedisUrl,
  type TestSchema,
  uniqueName,
} from '@harbour/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { type DeliveryPipeline, startDeliveryPipeline } from '../delivery/delivery-pipeline';
import { DeliveryRepository } from '../delivery/delivery-repository';
import { DirectoryRepository } from '../directory/directory-repository';
import { escalationQueueName } from '../escalation/escalation-jobs';
import type { Escalation } from '../escalation/start-escalation';
import {
  addOrganisationWithEmail,
  deleteQueueKeys,
  NO_RELAY,
  notificationTestOutbox,
  type PublishedPosition,
  startTestEscalation,
  startTestEventTopic,
  type TestEventTopic,
  testDeliveryConfig,
  testWebhookSecrets,
} from '../test-support/notification-test-harness';
import { openNotificationTestDatabase } from '../test-support/notification-test-database';
import { ALERT_CANCELLED } from './alert-cancelled-handler';
import { alertEventHandlers, cancelsEscalation } from './alert-event-handlers';
import { AlertRepository } from './alert-repository';
import { ALERT_REQUESTED } from './alert-requested-handler';

jest.setTimeout(120_000);

const CAMDEN = 'E09000007';
/** A policy minute lasts half a second here. */
const MINUTE_MS = 500;

interface DeliveryRow {
  id: string;
  address: string;
  purpose: string;
  status: string;
  message_id: string;
}

/**
 * How alerts end: closed by `harbour.alert.cancelled`, or superseded by a newer alert. The
 * notification consumer's alert handlers on a topic of this test's own, with the real delivery
 * pipeline and escalation (a policy minute of half a second), Postgres, Redis, Kafka and SMTP.
 */
describe('alerts that end: closed or superseded, and everyone they reached is told once', () => {
  const logger = createLogger({ service: 'notification-test', level: 'silent' });
  const inbox = new SmtpInbox();
  const run = uniqueName('end');
  const queuePrefix = uniqueName('nqx');
  const deliveryQueueName = uniqueName('delivery');
  const address = (who: string): string => `${who}.${run}@test.harbour.localhost`;
  const mpuDuty = address('mpu.duty');
  const ngoDuty = address('ngo.duty');
  const coordinatorDesk = address('coordinator');
  const policeSpecialist = address('police.specialist');

  let schema: TestSchema;
  let dataSource: DataSource;
  let pipeline: DeliveryPipeline;
  let escalation: Escalation;
  let events: TestEventTopic;
  let escalationQueue: Queue;
  let queueRedis: Redis;
  const ids: Record<'mpu' | 'ngo' | 'coordinator' | 'police', string> = {
    mpu: '',
    ngo: '',
    coordinator: '',
    police: '',
  };
  const kafka = createKafka({
    brokers: testKafkaBrokers(),
    clientId: 'alert-endings-test',
    logger,
  });

  beforeAll(async () => {
    ({ schema, dataSource } = await openNotificationTestDatabase('notification_endings', 8));
    const directory = new DirectoryRepository(dataSource);
    const organisation = (
      name: string,
      kind: OrganisationKind,
      boroughs: string[],
      email: string,
    ) => addOrganisationWithEmail(directory, { name: `${name} ${run}`, kind, boroughs, email });
    ids.mpu = await organisation('Camden MPU', 'missing_person_unit', [CAMDEN], mpuDuty);
    ids.ngo = await organisation('Camden NGO', 'ngo', [CAMDEN], ngoDuty);
    ids.coordinator = await organisation(
      'Coordinator',
      'coordinator',
      ['pan_london'],
      coordinatorDesk,
    );
    ids.police = await organisation(
      'Modern Slavery Unit',
      'police_specialist',
      ['pan_london'],
      policeSpecialist,
    );

    const outbox = notificationTestOutbox(schema);
    const alerts = new AlertRepository(dataSource);
    const deliveries = new DeliveryRepository(dataSource);
    pipeline = await startDeliveryPipeline({
      config: testDeliveryConfig({
        NOTIFICATION_QUEUE_NAME: deliveryQueueName,
        NOTIFICATION_QUEUE_PREFIX: queuePrefix,
      }),
      dataSource,
      alerts,
      deliveries,
      outbox,
      relay: NO_RELAY,
      webhookSecrets: testWebhookSecrets(dataSource),
      logger,
    });
    escalation = await startTestEscalation({
      dataSource,
      directory,
      outbox,
      dispatcher: pipeline.dispatcher,
      logger,
      queuePrefix,
      deliveryQueueName,
      minuteMs: MINUTE_MS,
    });
    queueRedis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    escalationQueue = new Queue(escalationQueueName(deliveryQueueName), {
      connection: queueRedis,
      prefix: queuePrefix,
    });

    // Retries are short, so a cancellation of an unknown alert reaches the dead-letter topic quickly.
    events = await startTestEventTopic(kafka, 'alert-endings', {
      dataSource,
      schema: schema.schema,
      logger,
      handlers: alertEventHandlers({
        dataSource,
        alerts,
        directory,
        deliveries,
        logger,
        escalation: escalation.timers,
      }),
      afterCommit: (event) =>
        Promise.all([
          pipeline.dispatcher.kick(),
          escalation.kick(),
          cancelsEscalation(event) ? escalation.disarm() : undefined,
        ]),
    });
  });

  afterAll(async () => {
    await events.stop();
    await escalationQueue.close();
    queueRedis.disconnect();
    await escalation.close();
    await pipeline.stop();
    pipeline.disconnect();
    await dataSource.destroy();
    await schema.drop();
    await deleteQueueKeys(queuePrefix);
  });

  function alertRequest(overrides: Partial<AlertRequested> = {}): AlertRequested {
    return {
      alertId: randomUUID(),
      cause: { kind: 'missing_episode', id: randomUUID(), eventId: randomUUID() },
      severity: 'critical',
      // Long enough that nothing escalates unless a test's policy says so.
      acknowledgeWithinMinutes: 600,
      audience: { roles: ['missing_person_unit', 'ngo'], boroughs: [CAMDEN] },
      disclosure: { level: 'operational' },
      summary: {
        title: `Missing child — Camden ${randomUUID().slice(0, 8)}`,
        lines: [{ label: 'Last seen', value: '12 Example Road, NW1' }],
      },
      requestedAt: new Date().toISOString(),
      ...overrides,
    };
  }

  const cancellation = (alertId: string, reason = 'Found safe in Camden; this alert is closed.') =>
    ({ alertId, cancelledAt: new Date().toISOString(), reason }) satisfies AlertCancelled;

  const requestedEvent = (alert: AlertRequested): HarbourEvent =>
    createEvent({
      type: ALERT_REQUESTED,
      source: '/harbour/safeguarding',
      subject: alert.alertId,
      data: alert,
    });
  const cancelledEvent = (cancelled: AlertCancelled): HarbourEvent =>
    createEvent({
      type: ALERT_CANCELLED,
      source: '/harbour/safeguarding',
      subject: cancelled.alertId,
      data: cancelled,
    });

  const publish = (alertId: string, ...published: HarbourEvent[]) =>
    events.publish(alertId, ...published);
  const consumedPast = (position: PublishedPosition) => events.consumedPast(position);

  async function mailsAbout(alertId: string, to: string): Promise<InboxMessage[]> {
    return (await inbox.messagesTo(to)).filter((m) => (m.text ?? '').includes(alertId));
  }

  /** What each mail about the alert was, by the tag its subject starts with: `[CLOSED]`, `[HIGH]`… */
  const tags = async (alertId: string, to: string): Promise<string[]> =>
    (await mailsAbout(alertId, to))
      .map((m) => /^\[[^\]]+\]/.exec(m.subject)?.[0] ?? m.subject)
      .sort();

  async function deliveriesOf(alertId: string, purpose: string): Promise<DeliveryRow[]> {
    return dataSource.query<DeliveryRow[]>(
      `SELECT id, address, purpose, status, message_id FROM "${schema.schema}".delivery
        WHERE alert_id = $1 AND purpose = $2 ORDER BY address`,
      [alertId, purpose],
    );
  }

  async function alertRow(alertId: string) {
    const [row] = await dataSource.query<
      {
        state: string;
        closed_at: Date | null;
        closure_reason: string | null;
        superseded_by: string | null;
      }[]
    >(
      `SELECT state, closed_at, closure_reason, superseded_by FROM "${schema.schema}".alert WHERE id = $1`,
      [alertId],
    );
    return row;
  }

  async function escalatedEvents(alertId: string): Promise<Record<string, unknown>[]> {
    const rows = await dataSource.query<{ data: Record<string, unknown> }[]>(
      `SELECT data FROM "${schema.schema}".outbox
        WHERE key = $1 AND type = 'harbour.alert.escalated' ORDER BY created_at`,
      [alertId],
    );
    return rows.map((row) => row.data);
  }

  /** Waits until every delivery of the purpose is sent, and returns them. */
  async function sent(alertId: string, purpose: string, count: number): Promise<DeliveryRow[]> {
    return expectEventually(
      async () => {
        const rows = await deliveriesOf(alertId, purpose);
        expect(rows.map((r) => r.status)).toEqual(Array<string>(count).fill('sent'));
        return rows;
      },
      { timeoutMs: 60_000, description: `${count} ${purpose} deliveries sent` },
    );
  }

  it('closes once: [CLOSED] to every recipient, escalation recipient included, exactly once; the pending timer and its job are gone', async () => {
    const alert = alertRequest({
      // Level 1 (the coordinator) after 2 policy minutes: 1 s here. Level 2 (the specialist
      // police) would come 10 hours (5 min) later, but the alert is closed before.
      escalationPolicy: {
        levels: [
          { afterMinutes: 2, roles: ['coordinator'], boroughs: ['pan_london'] },
          { afterMinutes: 600, roles: ['police_specialist'], boroughs: ['pan_london'] },
        ],
        repeat: 0,
      },
    });
    await publish(alert.alertId, requestedEvent(alert));
    await sent(alert.alertId, 'alert', 2);
    await sent(alert.alertId, 'escalation', 1);
    const [, secondLevel] = await expectEventually(
      async () => {
        const timers = await escalation.timers.ofAlert(alert.alertId);
        expect(timers.map((t) => [t.level, t.state])).toEqual([
          [0, 'fired'],
          [1, 'pending'],
        ]);
        expect(timers[1]?.enqueuedAt).not.toBeNull();
        return timers;
      },
      { description: 'level 2 armed' },
    );
    expect(await escalationQueue.getJobState(secondLevel!.id)).toBe('delayed');

    const cancelled = cancellation(alert.alertId);
    const event = cancelledEvent(cancelled);
    // A redelivery (same CloudEvents id) and a second cancellation (new id).
    await consumedPast(
      await publish(alert.alertId, event, event, cancelledEvent(cancellation(alert.alertId))),
    );

    const closures = await sent(alert.alertId, 'closure', 3);
    expect(closures.map((d) => d.address)).toEqual([coordinatorDesk, mpuDuty, ngoDuty].sort());
    for (const to of [mpuDuty, ngoDuty, coordinatorDesk]) {
      const closed = (await mailsAbout(alert.alertId, to)).filter((m) =>
        m.subject.startsWith('[CLOSED]'),
      );
      expect(closed).toHaveLength(1);
      expect(closed[0]?.subject).toBe(`[CLOSED] ${alert.summary.title}`);
      expect(closed[0]?.text).toContain('Reason: Found safe in Camden; this alert is closed.');
      expect(closed[0]?.text).not.toContain('12 Example Road');
      // Its own stable id, as every delivery has.
      const row = closures.find((d) => d.address === to);
      expect(closed[0]?.headers['message-id']).toBe(`<${row!.id}@harbour.localhost>`);
    }
    // The coordinator had the escalation and the closure; the police unit was never reached.
    expect(await tags(alert.alertId, coordinatorDesk)).toEqual([
      '[CLOSED]',
      '[ESCALATION level 1]',
    ]);
    expect(await mailsAbout(alert.alertId, policeSpecialist)).toEqual([]);

    const row = await alertRow(alert.alertId);
    expect(row).toMatchObject({
      state: 'closed',
      closure_reason: 'Found safe in Camden; this alert is closed.',
    });
    // Closed once: at the first cancellation's time, not the second's.
    expect(row?.closed_at?.toISOString()).toBe(new Date(cancelled.cancelledAt).toISOString());

    // The pending level was cancelled with the closure (never fired: no fired_at), and its
    // delayed job is removed after commit: nothing is left to fire it.
    expect((await escalation.timers.ofAlert(alert.alertId))[1]).toMatchObject({
      state: 'cancelled',
      firedAt: null,
    });
    await expectEventually(
      async () => {
        const timer = (await escalation.timers.ofAlert(alert.alertId))[1];
        expect(timer?.enqueuedAt).toBeNull();
      },
      { timeoutMs: 10_000, description: 'the cancelled timer disarmed' },
    );
    expect(await escalationQueue.getJobState(secondLevel!.id)).toBe('unknown');
    // Were it to fire anyway (a job from before, a late sweep), it does nothing.
    expect((await escalation.fire.execute(secondLevel!.id)).kind).toBe('not-pending');
    expect(await escalatedEvents(alert.alertId)).toHaveLength(1);
    expect(await deliveriesOf(alert.alertId, 'escalation')).toHaveLength(1);

    // The delivery log has each closure queued and sent.
    const log = await dataSource.query<{ event: string }[]>(
      `SELECT e.event FROM "${schema.schema}".delivery_event e
         JOIN "${schema.schema}".delivery d ON d.id = e.delivery_id
        WHERE d.alert_id = $1 AND d.purpose = 'closure' ORDER BY e.id`,
      [alert.alertId],
    );
    expect(log.map((e) => e.event).sort()).toEqual(
      ['queued', 'queued', 'queued', 'sent', 'sent', 'sent'].sort(),
    );
  });

  it('does not escalate a closed alert whose timer was still pending: the timer fires into cancelled', async () => {
    // Requested long ago, so its first level is overdue at once; closed in the transaction that
    // records it, without its timer being cancelled — as if the cancellation raced the timer.
    const alert = alertRequest({
      requestedAt: new Date(Date.now() - 60_000).toISOString(),
      acknowledgeWithinMinutes: 1,
    });
    const alerts = new AlertRepository(dataSource);
    await dataSource.transaction(async (manager) => {
      await alerts.record(alert, manager);
      await escalation.timers.planAndSchedule(manager, alert);
      await alerts.close(alert.alertId, new Date(), 'Found safe.', manager);
    });
    await escalation.kick();

    const [timer] = await expectEventually(
      async () => {
        const timers = await escalation.timers.ofAlert(alert.alertId);
        expect(timers.map((t) => t.state)).toEqual(['cancelled']);
        return timers;
      },
      { description: 'the overdue timer to fire into cancelled' },
    );
    expect((await escalation.fire.execute(timer!.id)).kind).toBe('not-pending');
    expect(await escalatedEvents(alert.alertId)).toEqual([]);
    expect(await deliveriesOf(alert.alertId, 'escalation')).toEqual([]);
  });

  it('retries a cancellation of an unknown alert, dead-letters it, and closes the alert when replayed after it', async () => {
    const alert = alertRequest();
    const early = cancelledEvent(cancellation(alert.alertId));
    await publish(alert.alertId, early);

    const dlqTopic = dlqTopicOf(events.topic);
    const deadLetter = await expectEventually(
      async () => {
        const entry = (await readDlq(kafka, dlqTopic)).find((e) => e.eventId === early.id);
        if (entry === undefined) throw new Error('not dead-lettered yet');
        return entry;
      },
      { timeoutMs: 60_000, description: 'the early cancellation on the dead-letter topic' },
    );
    expect(deadLetter.reason).toBe('handler-failed');
    expect(deadLetter.error).toContain('AlertNotYetKnownError');

    await publish(alert.alertId, requestedEvent(alert));
    await sent(alert.alertId, 'alert', 2);
    expect((await alertRow(alert.alertId))?.state).toBe('open');
    expect(
      await replayDlq(kafka, dlqTopic, {
        offsets: [{ partition: deadLetter.partition, offset: deadLetter.offset }],
      }),
    ).toBe(1);

    await sent(alert.alertId, 'closure', 2);
    for (const to of [mpuDuty, ngoDuty]) {
      expect(await tags(alert.alertId, to)).toEqual(['[CLOSED]', '[CRITICAL]']);
    }
    expect((await alertRow(alert.alertId))?.state).toBe('closed');
    expect((await escalation.timers.ofAlert(alert.alertId)).map((t) => t.state)).toEqual([
      'cancelled',
    ]);
  });

  it('supersedes: the old alert stops, partners the new one leaves out are told; closing both tells each partner once', async () => {
    const old = alertRequest({ severity: 'high' });
    await publish(old.alertId, requestedEvent(old));
    await sent(old.alertId, 'alert', 2);

    // Regraded up: the missing-person unit and the specialist police, not the NGO.
    const newer = alertRequest({
      supersedes: old.alertId,
      audience: { roles: ['missing_person_unit', 'police_specialist'], boroughs: [CAMDEN] },
      summary: {
        title: `Missing child — Camden — risk regraded ${randomUUID().slice(0, 8)}`,
        lines: [{ label: 'Police risk grade', value: 'high' }],
      },
    });
    await consumedPast(await publish(newer.alertId, requestedEvent(newer)));

    const [notice] = await sent(old.alertId, 'supersession', 1);
    expect(notice?.address).toBe(ngoDuty);
    const superseded = (await mailsAbout(old.alertId, ngoDuty)).filter((m) =>
      m.subject.startsWith('[SUPERSEDED]'),
    );
    expect(superseded.map((m) => m.subject)).toEqual([`[SUPERSEDED] ${old.summary.title}`]);
    expect(superseded[0]?.text).toContain('by a critical alert for the partners it concerns');
    // The unit has the new alert instead; it is not told its old one was superseded.
    await sent(newer.alertId, 'alert', 2);
    expect(await tags(old.alertId, mpuDuty)).toEqual(['[HIGH]']);
    expect(await mailsAbout(newer.alertId, ngoDuty)).toEqual([]);
    expect(await alertRow(old.alertId)).toMatchObject({
      state: 'superseded',
      superseded_by: newer.alertId,
    });
    expect((await escalation.timers.ofAlert(old.alertId)).map((t) => t.state)).toEqual([
      'cancelled',
    ]);
    expect((await escalation.timers.ofAlert(newer.alertId)).map((t) => t.state)).toEqual([
      'pending',
    ]);

    // Found: safeguarding cancels both. The NGO hears the old one closed; the unit and the
    // specialist police hear the new one closed; nobody hears of one alert twice.
    await consumedPast(await publish(old.alertId, cancelledEvent(cancellation(old.alertId))));
    await consumedPast(await publish(newer.alertId, cancelledEvent(cancellation(newer.alertId))));
    expect((await sent(old.alertId, 'closure', 1)).map((d) => d.address)).toEqual([ngoDuty]);
    expect((await sent(newer.alertId, 'closure', 2)).map((d) => d.address)).toEqual(
      [mpuDuty, policeSpecialist].sort(),
    );
    expect(await tags(old.alertId, ngoDuty)).toEqual(['[CLOSED]', '[HIGH]', '[SUPERSEDED]']);
    expect(
      (await mailsAbout(old.alertId, ngoDuty)).find((m) => m.subject.startsWith('[CLOSED]'))
        ?.subject,
    ).toBe(`[CLOSED] ${old.summary.title}`);
    for (const to of [mpuDuty, policeSpecialist]) {
      expect(
        (await mailsAbout(newer.alertId, to)).filter((m) => m.subject.startsWith('[CLOSED]')),
      ).toHaveLength(1);
    }
    expect(await tags(old.alertId, mpuDuty)).toEqual(['[HIGH]']);
    expect((await alertRow(old.alertId))?.state).toBe('closed');
    expect((await alertRow(newer.alertId))?.state).toBe('closed');
  });

  it('records an alert that arrives after the alert superseding it as superseded, alerting nobody', async () => {
    const old = alertRequest();
    const newer = alertRequest({
      supersedes: old.alertId,
      audience: { roles: ['missing_person_unit'], boroughs: [CAMDEN] },
    });
    await consumedPast(await publish(newer.alertId, requestedEvent(newer)));
    await consumedPast(await publish(old.alertId, requestedEvent(old)));

    expect(await alertRow(old.alertId)).toMatchObject({
      state: 'superseded',
      superseded_by: newer.alertId,
    });
    expect(await deliveriesOf(old.alertId, 'alert')).toEqual([]);
    expect(await escalation.timers.ofAlert(old.alertId)).toEqual([]);
    await sent(newer.alertId, 'alert', 1);
  });
});
