import { randomUUID } from 'node:crypto';
import { validateEvent } from '@harbour/contracts';
import { Outbox } from '@harbour/messaging';
import { createLogger } from '@harbour/platform';
import {
  expectEventually,
  freePort,
  SmtpInbox,
  testRedisUrl,
  testSmtpUrl,
  type TestSchema,
  uniqueName,
} from '@harbour/testing';
import { Queue, type Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { EscalationTimers } from '../escalation/escalation-timers';
import { AlertRepository } from '../alerts/alert-repository';
import { DirectoryRepository } from '../directory/directory-repository';
import { createEmailChannel, type EmailChannel } from '../channels/email-channel';
import { DeliverAlert } from './deliver-alert';
import { DeliveryDispatcher } from './delivery-dispatcher';
import { BullDeliveryJobs, type DeliveryJobData } from './delivery-jobs';
import { DeliveryRepository } from './delivery-repository';
import { startDeliveryWorker } from './delivery-worker';
import { openNotificationTestDatabase } from '../test-support/notification-test-database';
import {
  highRiskAlertRequested,
  testWebhookSecrets,
} from '../test-support/notification-test-harness';

jest.setTimeout(60_000);

interface Pipeline {
  queue: Queue<DeliveryJobData>;
  worker: Worker<DeliveryJobData>;
  dispatcher: DeliveryDispatcher;
  mailer: EmailChannel;
  redis: Redis[];
}

describe('delivery retries', () => {
  const logger = createLogger({ service: 'notification-test', level: 'silent' });
  const prefix = uniqueName('nqr');
  const attempts = 3;
  let schema: TestSchema;
  let dataSource: DataSource;
  let deliveries: DeliveryRepository;
  let organisationId: string;
  let contactId: string;
  const pipelines: Pipeline[] = [];

  beforeAll(async () => {
    ({ schema, dataSource } = await openNotificationTestDatabase('notification_retries', 4));
    deliveries = new DeliveryRepository(dataSource);
    const directory = new DirectoryRepository(dataSource);
    organisationId = randomUUID();
    await directory.addOrganisation({
      id: organisationId,
      name: 'Camden MPU',
      kind: 'missing_person_unit',
      boroughs: ['E09000007'],
    });
    contactId = (
      await directory.addContact({
        organisationId,
        channel: 'email',
        address: `retry.${prefix}@test.harbour.localhost`,
      })
    ).value.id;
  });

  /** Both tests share the delivery table: only one pipeline may be sweeping it. */
  async function stopPipelines(): Promise<void> {
    for (const pipeline of pipelines.splice(0)) {
      await pipeline.dispatcher.stop();
      await pipeline.worker.close();
      await pipeline.queue.obliterate({ force: true });
      await pipeline.queue.close();
      pipeline.mailer.close();
      for (const redis of pipeline.redis) redis.disconnect();
    }
  }

  afterAll(async () => {
    await stopPipelines();
    await dataSource.destroy();
    await schema.drop();
  });

  async function startPipeline(queueName: string, smtpUrl: string): Promise<Pipeline> {
    await stopPipelines();
    const queueRedis = new Redis(testRedisUrl(), { enableOfflineQueue: false });
    const workerRedis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const queue = new Queue<DeliveryJobData>(queueName, { connection: queueRedis, prefix });
    await queue.waitUntilReady();
    const mailer = createEmailChannel({
      url: smtpUrl,
      from: 'Harbour <alerts@harbour.localhost>',
      maxConnections: 1,
    });
    const outbox = new Outbox({
      schema: schema.schema,
      source: '/harbour/notification',
      validator: validateEvent,
    });
    const worker = startDeliveryWorker({
      queueName,
      prefix,
      connection: workerRedis,
      concurrency: 2,
      retry: { baseMs: 50, maxMs: 200 },
      deliverAlert: new DeliverAlert({
        dataSource,
        alerts: new AlertRepository(dataSource),
        deliveries,
        channels: [mailer],
        webhookSecrets: testWebhookSecrets(dataSource),
        outbox,
        relay: { kick: () => Promise.resolve() },
        logger,
        maxAttempts: attempts,
        escalation: new EscalationTimers(dataSource),
      }),
      logger,
    });
    const dispatcher = new DeliveryDispatcher({
      deliveries,
      jobs: new BullDeliveryJobs(new Map([['email', queue]]), attempts),
      logger,
      sweepIntervalMs: 100,
    });
    dispatcher.start();
    const pipeline = { queue, worker, dispatcher, mailer, redis: [queueRedis, workerRedis] };
    pipelines.push(pipeline);
    return pipeline;
  }

  async function pendingDelivery(): Promise<{ alertId: string; deliveryId: string }> {
    const alert = highRiskAlertRequested();
    const [deliveryId] = await dataSource.transaction(async (manager) => {
      await new AlertRepository(dataSource).record(alert, manager);
      return deliveries.addPending(
        [
          {
            alertId: alert.alertId,
            organisationId,
            contactId,
            channel: 'email',
            address: `retry.${prefix}@test.harbour.localhost`,
            matchedRule: 'role=missing_person_unit & borough=E09000007',
          },
        ],
        manager,
      );
    });
    if (deliveryId === undefined) throw new Error('no delivery added');
    return { alertId: alert.alertId, deliveryId };
  }

  it('retries a send the SMTP server never accepts, then marks it failed and records harbour.delivery.failed', async () => {
    // A free port: nothing listens there, so every SMTP connection is refused.
    await startPipeline(uniqueName('refused'), `smtp://127.0.0.1:${await freePort()}`);
    const { alertId, deliveryId } = await pendingDelivery();
    // The alert's next escalation is an hour away when the delivery starts failing.
    await dataSource.query(
      `INSERT INTO "${schema.schema}".escalation_timer (id, alert_id, level, loop, due_at)
       VALUES ($1, $2, 0, 0, now() + interval '1 hour')`,
      [randomUUID(), alertId],
    );

    const failed = await expectEventually(
      async () => {
        const row = await deliveries.find(deliveryId);
        expect(row?.status).toBe('failed');
        return row!;
      },
      { timeoutMs: 30_000, description: 'the delivery to be marked failed' },
    );
    expect(failed.attempts).toBe(attempts);
    expect(failed.lastError).toMatch(/ECONNREFUSED/);
    const log = await deliveries.eventsOfAlert(alertId);
    expect(log.map((entry) => entry.event)).toEqual(['queued', 'retrying', 'retrying', 'failed']);
    expect(log[1]?.detail).toMatch(/ECONNREFUSED/);
    // A delivery that failed for good escalates at once: the timer is due now, not in an hour.
    const [timer] = await dataSource.query<{ due_at: Date }[]>(
      `SELECT due_at FROM "${schema.schema}".escalation_timer WHERE alert_id = $1`,
      [alertId],
    );
    expect(timer?.due_at.getTime()).toBeLessThanOrEqual(failed.failedAt!.getTime());

    const events = await dataSource.query<
      { type: string; key: string; data: Record<string, unknown> }[]
    >(`SELECT type, key, data FROM "${schema.schema}".outbox WHERE key = $1`, [alertId]);
    expect(events).toEqual([
      {
        type: 'harbour.delivery.failed',
        key: alertId,
        data: expect.objectContaining({
          deliveryId,
          organisationId,
          attempts,
          permanent: false,
        }) as unknown,
      },
    ]);
  });

  it('retries recording a send the partner accepted, never the send itself', async () => {
    await stopPipelines();
    const sent: string[] = [];
    const channel = {
      kind: 'email' as const,
      send: (message: { deliveryId: string }) => {
        sent.push(message.deliveryId);
        return Promise.resolve({ providerResponse: '250 accepted' });
      },
    };
    // Postgres drops the connection twice as the send is being recorded (as in a restart).
    let failuresLeft = 2;
    const flaky = Object.create(deliveries) as DeliveryRepository;
    flaky.recordSent = (...args: Parameters<DeliveryRepository['recordSent']>) => {
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        return Promise.reject(new Error('Connection terminated unexpectedly'));
      }
      return deliveries.recordSent(...args);
    };
    const deliver = (recordSentRetryMs: number) =>
      new DeliverAlert({
        dataSource,
        alerts: new AlertRepository(dataSource),
        deliveries: flaky,
        channels: [channel],
        webhookSecrets: testWebhookSecrets(dataSource),
        outbox: new Outbox({
          schema: schema.schema,
          source: '/harbour/notification',
          validator: validateEvent,
        }),
        relay: { kick: () => Promise.resolve() },
        logger,
        maxAttempts: attempts,
        recordSentRetryMs,
      });

    const { deliveryId } = await pendingDelivery();
    expect(await deliver(30_000).execute(deliveryId)).toEqual({ kind: 'sent' });
    expect(sent).toEqual([deliveryId]);
    expect((await deliveries.find(deliveryId))?.status).toBe('sent');

    // With no time to retry the record, the failure reaches the job: the row stays pending,
    // and the job's retry sends it again under the same id.
    failuresLeft = 1;
    const second = await pendingDelivery();
    await expect(deliver(0).execute(second.deliveryId)).rejects.toThrow(/Connection terminated/);
    expect((await deliveries.find(second.deliveryId))?.status).toBe('pending');
  });

  it('sends each pending delivery once, even when it is queued again', async () => {
    const pipeline = await startPipeline(uniqueName('accepted'), testSmtpUrl());
    const { alertId, deliveryId } = await pendingDelivery();
    await expectEventually(async () => {
      expect((await deliveries.find(deliveryId))?.status).toBe('sent');
    });
    // A stray second job for the same delivery (e.g. a sweep racing a kick) sends nothing.
    await pipeline.queue.add('deliver', { deliveryId }, { jobId: `again-${deliveryId}` });
    await expectEventually(async () => {
      expect(await pipeline.queue.getJobState(`again-${deliveryId}`)).toBe('completed');
    });
    const inbox = new SmtpInbox();
    const received = (await inbox.messages()).filter((m) => (m.text ?? '').includes(alertId));
    expect(received).toHaveLength(1);
    const sent = await deliveries.find(deliveryId);
    expect(sent?.attempts).toBe(1);
    // maildev answers "250 Message queued as …": the row and the log keep what the server said.
    expect(sent?.providerResponse).toMatch(/^250 /);
    const log = await deliveries.eventsOfAlert(alertId);
    expect(log.map((entry) => [entry.event, entry.detail])).toEqual([
      ['queued', 'channel=email'],
      ['sent', sent?.providerResponse],
    ]);
  });
});
