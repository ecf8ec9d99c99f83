import { randomUUID } from 'node:crypto';
import { createLogger } from '@harbour/platform';
import {
  expectEventually,
  freePort,
  type InboxMessage,
  MaildevProcess,
  SmtpInbox,
  testRedisUrl,
  type TestSchema,
  uniqueName,
} from '@harbour/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { AlertRepository } from '../alerts/alert-repository';
import { DirectoryRepository } from '../directory/directory-repository';
import { channelQueueName } from './delivery-jobs';
import { type DeliveryPipeline, startDeliveryPipeline } from './delivery-pipeline';
import { DeliveryRepository } from './delivery-repository';
import {
  deleteQueueKeys,
  highRiskAlertRequested,
  NO_RELAY,
  notificationTestOutbox,
  testDeliveryConfig,
  testWebhookSecrets,
} from '../test-support/notification-test-harness';
import { openNotificationTestDatabase } from '../test-support/notification-test-database';

jest.setTimeout(90_000);

const ALERTS = 20;
const ATTEMPTS = 20;

/** A maildev of this test's own, so the mail server can go away and come back on the same ports. */
class OwnMailServer extends MaildevProcess {
  get inbox(): SmtpInbox {
    return new SmtpInbox(this.apiUrl);
  }
}

describe('SMTP outage', () => {
  const logger = createLogger({ service: 'notification-test', level: 'silent' });
  const prefix = uniqueName('nqo');
  const queueName = uniqueName('outage');
  const address = `outage.${prefix}@test.harbour.localhost`;
  let mail: OwnMailServer;
  let schema: TestSchema;
  let dataSource: DataSource;
  let deliveries: DeliveryRepository;
  let pipeline: DeliveryPipeline | undefined;
  let organisationId: string;
  let contactId: string;

  beforeAll(async () => {
    mail = new OwnMailServer(await freePort(), await freePort());
    ({ schema, dataSource } = await openNotificationTestDatabase('notification_outage', 6));
    deliveries = new DeliveryRepository(dataSource);
    const directory = new DirectoryRepository(dataSource);
    organisationId = randomUUID();
    await directory.addOrganisation({
      id: organisationId,
      name: 'Camden MPU',
      kind: 'missing_person_unit',
      boroughs: ['E09000007'],
    });
    contactId = (await directory.addContact({ organisationId, channel: 'email', address })).value
      .id;
  });

  afterAll(async () => {
    if (pipeline !== undefined) {
      await pipeline.stop();
      pipeline.disconnect();
    }
    // Both channel queues' keys (the pipeline opens an e-mail and a webhook queue).
    await deleteQueueKeys(prefix);
    await mail.stop();
    await dataSource.destroy();
    await schema.drop();
  });

  /** Records an alert and its pending delivery in one transaction, as the consumer does. */
  async function recordAlert(): Promise<{ alertId: string; deliveryId: string }> {
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
            address,
            matchedRule: 'role=missing_person_unit & borough=E09000007',
          },
        ],
        manager,
      );
    });
    if (deliveryId === undefined) throw new Error('no delivery added');
    return { alertId: alert.alertId, deliveryId };
  }

  it('SMTP outage then recovery delivers each message exactly once', async () => {
    // The mail server runs, then goes away: nothing listens on its SMTP port during the outage.
    await mail.start();
    await mail.stop();

    pipeline = await startDeliveryPipeline({
      config: testDeliveryConfig(
        { NOTIFICATION_QUEUE_NAME: queueName, NOTIFICATION_QUEUE_PREFIX: prefix },
        {
          NOTIFICATION_DELIVERY_CONCURRENCY: 5,
          NOTIFICATION_DELIVERY_ATTEMPTS: ATTEMPTS,
          NOTIFICATION_RETRY_BASE_MS: 200,
          NOTIFICATION_RETRY_MAX_MS: 1000,
          NOTIFICATION_SMTP_MAX_CONNECTIONS: 3,
          NOTIFICATION_EMAIL_RATE_PER_SECOND: 1000,
          NOTIFICATION_WEBHOOK_RATE_PER_SECOND: 20,
          SMTP_URL: mail.smtpUrl,
        },
      ),
      dataSource,
      alerts: new AlertRepository(dataSource),
      deliveries,
      outbox: notificationTestOutbox(schema),
      relay: NO_RELAY,
      webhookSecrets: testWebhookSecrets(dataSource),
      logger,
    });

    const recorded: { alertId: string; deliveryId: string }[] = [];
    for (let i = 0; i < ALERTS; i++) recorded.push(await recordAlert());
    await pipeline.dispatcher.kick();

    // Every delivery has been tried and refused at least twice while the server is down.
    await expectEventually(
      async () => {
        for (const { deliveryId } of recorded) {
          const row = await deliveries.find(deliveryId);
          expect(row?.status).toBe('pending');
          expect(row?.attempts).toBeGreaterThanOrEqual(2);
          expect(row?.lastError).toMatch(/ECONNREFUSED/);
        }
      },
      { timeoutMs: 30_000, description: 'every delivery to have failed twice during the outage' },
    );

    await mail.start();

    const sent = await expectEventually(
      async () =>
        Promise.all(
          recorded.map(async ({ deliveryId }) => {
            const row = await deliveries.find(deliveryId);
            expect(row?.status).toBe('sent');
            return row!;
          }),
        ),
      { timeoutMs: 40_000, description: 'every delivery to be sent once the server is back' },
    );
    // No job is left that could send anything again.
    const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const queue = new Queue(channelQueueName(queueName, 'email'), { connection: redis, prefix });
    try {
      await expectEventually(async () => {
        const counts = await queue.getJobCounts('active', 'waiting', 'delayed', 'prioritized');
        expect(counts).toEqual({ active: 0, waiting: 0, delayed: 0, prioritized: 0 });
      });
    } finally {
      await queue.close();
      redis.disconnect();
    }

    const received = await mail.inbox.messages();
    const perMessageId = new Map<string, InboxMessage[]>();
    for (const message of received) {
      const id = message.headers['message-id'] ?? '';
      perMessageId.set(id, [...(perMessageId.get(id) ?? []), message]);
    }
    for (const row of sent) {
      expect(row.attempts).toBeGreaterThan(1);
      expect(perMessageId.get(row.messageId)?.length).toBe(1);
      expect(perMessageId.get(row.messageId)?.[0]?.text).toContain(row.alertId);
    }
    expect(received).toHaveLength(ALERTS);

    for (const { alertId, deliveryId } of recorded) {
      const row = sent.find((d) => d.id === deliveryId)!;
      const log = await deliveries.eventsOfAlert(alertId);
      // queued, one `retrying` per refused attempt, then sent with the server's answer.
      expect(log.map((entry) => entry.event)).toEqual([
        'queued',
        ...Array.from({ length: row.attempts - 1 }, () => 'retrying'),
        'sent',
      ]);
      expect(log[1]?.detail).toMatch(/ECONNREFUSED/);
      expect(log.at(-1)?.detail).toMatch(/^250 /);
    }

    const delivered = await dataSource.query<{ delivery_id: string; copies: number }[]>(
      `SELECT data->>'deliveryId' AS delivery_id, count(*)::int AS copies
         FROM "${schema.schema}".outbox WHERE type = 'harbour.alert.delivered'
        GROUP BY 1`,
    );
    expect(delivered).toHaveLength(ALERTS);
    expect(delivered.every((d) => d.copies === 1)).toBe(true);
  });
});
