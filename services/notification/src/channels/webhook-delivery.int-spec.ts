import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AlertRequested } from '@harbour/contracts';
import { createEvent } from '@harbour/messaging';
import { createLogger } from '@harbour/platform';
import {
  expectEventually,
  SmtpInbox,
  testRedisUrl,
  type TestSchema,
  uniqueName,
} from '@harbour/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import type { DataSource } from 'typeorm';
import { AlertRepository } from '../alerts/alert-repository';
import { EscalationTimers } from '../escalation/escalation-timers';
import { AlertRequestedHandler } from '../alerts/alert-requested-handler';
import { type DeliveryPipeline, startDeliveryPipeline } from '../delivery/delivery-pipeline';
import { channelQueueName } from '../delivery/delivery-jobs';
import { DeliveryRepository } from '../delivery/delivery-repository';
import { DirectoryRepository } from '../directory/directory-repository';
import {
  PREVIOUS_WEBHOOK_SECRET_COLUMN,
  WEBHOOK_SECRET_COLUMN,
} from '../security/encrypted-columns';
import { generateWebhookSecret } from './webhook-secret';
import { WebhookSecretStore } from './webhook-secret-store';
import {
  NO_RELAY,
  notificationTestOutbox,
  testDeliveryConfig,
  testFieldCipher,
} from '../test-support/notification-test-harness';
import { openNotificationTestDatabase } from '../test-support/notification-test-database';

jest.setTimeout(60_000);

/** One request the partner's endpoint received, after checking it with `standardwebhooks`. */
interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  verified: boolean;
  status: number;
}

/**
 * A partner's webhook endpoint: verifies every request with the partner's copy of the secret,
 * records it, and answers with the status the test scripted for that path (default 204).
 */
class WebhookReceiver {
  readonly received: ReceivedRequest[] = [];
  readonly secrets = new Map<string, string>();
  readonly script = new Map<string, number[]>();
  private server: Server | undefined;
  port = 0;

  async start(): Promise<void> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const path = request.url ?? '/';
        const body = Buffer.concat(chunks).toString('utf8');
        let verified: boolean;
        try {
          new Webhook(this.secrets.get(path) ?? '').verify(
            body,
            request.headers as Record<string, string>,
          );
          verified = true;
        } catch {
          verified = false;
        }
        const status = verified ? (this.script.get(path)?.shift() ?? 204) : 401;
        this.received.push({ path, headers: request.headers, body, verified, status });
        response.writeHead(status).end();
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  at(path: string): ReceivedRequest[] {
    return this.received.filter((request) => request.path === path);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.server?.close(() => {
        resolve();
      });
      this.server?.closeAllConnections();
    });
  }
}

describe('webhook delivery', () => {
  const logger = createLogger({ service: 'notification-test', level: 'silent' });
  const prefix = uniqueName('nqw');
  const queueName = uniqueName('webhooks');
  const attempts = 5;
  const receiver = new WebhookReceiver();
  let schema: TestSchema;
  let dataSource: DataSource;
  let directory: DirectoryRepository;
  let alerts: AlertRepository;
  let deliveries: DeliveryRepository;
  let pipeline: DeliveryPipeline;
  let secrets: WebhookSecretStore;
  const cipher = testFieldCipher();
  /** The clock rotations' overlaps are judged by; a test moves it past an overlap's end. */
  let clockOffsetMs = 0;

  beforeAll(async () => {
    await receiver.start();
    ({ schema, dataSource } = await openNotificationTestDatabase('notification_webhooks', 4));
    secrets = new WebhookSecretStore(dataSource, cipher, {
      now: () => new Date(Date.now() + clockOffsetMs),
    });
    directory = new DirectoryRepository(dataSource, secrets);
    alerts = new AlertRepository(dataSource);
    deliveries = new DeliveryRepository(dataSource);
    pipeline = await startDeliveryPipeline({
      config: testDeliveryConfig(
        { NOTIFICATION_QUEUE_NAME: queueName, NOTIFICATION_QUEUE_PREFIX: prefix },
        {
          NOTIFICATION_DELIVERY_ATTEMPTS: attempts,
          NOTIFICATION_RETRY_BASE_MS: 50,
          NOTIFICATION_RETRY_MAX_MS: 200,
          NOTIFICATION_SWEEP_INTERVAL_MS: 100,
          NOTIFICATION_EMAIL_RATE_PER_SECOND: 50,
          NOTIFICATION_WEBHOOK_RATE_PER_SECOND: 20,
          NOTIFICATION_WEBHOOK_TIMEOUT_MS: 5_000,
        },
      ),
      dataSource,
      alerts,
      deliveries,
      outbox: notificationTestOutbox(schema),
      relay: NO_RELAY,
      logger,
      webhookSecrets: secrets,
    });
  });

  afterAll(async () => {
    await pipeline.stop();
    const redis = new Redis(testRedisUrl());
    for (const channel of ['email', 'webhook'] as const) {
      const queue = new Queue(channelQueueName(queueName, channel), { connection: redis, prefix });
      await queue.obliterate({ force: true });
      await queue.close();
    }
    redis.disconnect();
    pipeline.disconnect();
    await dataSource.destroy();
    await schema.drop();
    await receiver.stop();
  });

  /** An NGO in `borough` reached by a webhook at `path` (and, optionally, an e-mail address). */
  async function partner(
    borough: string,
    path: string,
    email?: string,
  ): Promise<{ organisationId: string; contactId: string; secret: string }> {
    const organisationId = randomUUID();
    await directory.addOrganisation({
      id: organisationId,
      name: `NGO ${path}`,
      kind: 'ngo',
      boroughs: [borough],
    });
    const secret = generateWebhookSecret();
    receiver.secrets.set(path, secret);
    const contact = await directory.addContact({
      organisationId,
      channel: 'webhook',
      address: receiver.url(path),
      secret,
    });
    if (email !== undefined) {
      await directory.addContact({ organisationId, channel: 'email', address: email });
    }
    return { organisationId, contactId: contact.value.id, secret };
  }

  function alertFor(borough: string): AlertRequested {
    return {
      alertId: randomUUID(),
      cause: { kind: 'missing_episode', id: randomUUID(), eventId: randomUUID() },
      severity: 'critical',
      acknowledgeWithinMinutes: 15,
      audience: { roles: ['ngo'], boroughs: [borough], specialisms: [] },
      disclosure: { level: 'notice' },
      summary: {
        title: 'Missing child — trafficking marker',
        lines: [{ label: 'Police risk grade', value: 'high' }],
      },
      escalationPolicy: { levels: [{ afterMinutes: 15, roles: ['police_specialist'] }], repeat: 1 },
      requestedAt: new Date().toISOString(),
    };
  }

  /** The alert recorded with one pending webhook delivery to the partner, then queued. */
  async function pendingWebhookDelivery(
    borough: string,
    target: { organisationId: string; contactId: string },
    path: string,
  ): Promise<{ alertId: string; deliveryId: string }> {
    const alert = alertFor(borough);
    const [deliveryId] = await dataSource.transaction(async (manager) => {
      await alerts.record(alert, manager);
      return deliveries.addPending(
        [
          {
            alertId: alert.alertId,
            organisationId: target.organisationId,
            contactId: target.contactId,
            channel: 'webhook',
            address: receiver.url(path),
            matchedRule: `role=ngo & borough=${borough}`,
          },
        ],
        manager,
      );
    });
    if (deliveryId === undefined) throw new Error('no delivery added');
    await pipeline.dispatcher.kick();
    return { alertId: alert.alertId, deliveryId };
  }

  const outboxOf = (alertId: string) =>
    dataSource.query<{ type: string; data: Record<string, unknown> }[]>(
      `SELECT type, data FROM "${schema.schema}".outbox WHERE key = $1 ORDER BY created_at`,
      [alertId],
    );

  it('sends a webhook contact a signed POST built only from the cleared summary, next to its e-mail', async () => {
    const path = '/signed';
    const email = `${prefix}.signed@test.harbour.localhost`;
    const target = await partner('E09000007', path, email);
    const alert = alertFor('E09000007');
    const handler = new AlertRequestedHandler({
      dataSource,
      alerts,
      directory,
      deliveries,
      logger,
      escalation: new EscalationTimers(dataSource),
    });
    await dataSource.transaction((manager) =>
      handler.onRequested(
        createEvent({ type: 'harbour.alert.requested', source: '/test', data: alert }),
        manager,
      ),
    );
    await pipeline.dispatcher.kick();

    const [request] = await expectEventually(() => {
      const got = receiver.at(path);
      expect(got).toHaveLength(1);
      return got;
    });
    expect(request?.verified).toBe(true);
    expect(request?.headers['content-type']).toBe('application/json');
    const body = JSON.parse(request?.body ?? '{}') as Record<string, unknown>;
    expect(body).toMatchObject({
      type: 'harbour.alert',
      alertId: alert.alertId,
      reference: alert.alertId,
      severity: 'critical',
      title: 'Missing child — trafficking marker',
      lines: [{ label: 'Police risk grade', value: 'high' }],
      borough: 'Camden',
    });
    for (const hidden of [
      alert.cause.id,
      alert.cause.eventId,
      'missing_episode',
      'police_specialist',
    ]) {
      expect(request?.body).not.toContain(hidden);
    }

    const rows = await expectEventually(async () => {
      const views = await deliveries.viewsOfAlert(alert.alertId);
      expect(views.map((v) => [v.channel, v.status]).sort()).toEqual([
        ['email', 'sent'],
        ['webhook', 'sent'],
      ]);
      return views;
    });
    const webhook = rows.find((row) => row.channel === 'webhook');
    expect(webhook?.contactId).toBe(target.contactId);
    expect(request?.headers['webhook-id']).toBe(webhook?.messageId);
    expect(webhook?.messageId).toBe(`msg_${webhook?.id}`);
    expect(webhook?.providerResponse).toBe('HTTP 204 No Content');
    expect(rows.find((row) => row.channel === 'email')?.providerResponse).toMatch(/^250 /);

    const received = (await new SmtpInbox().messages()).filter((m) =>
      (m.text ?? '').includes(alert.alertId),
    );
    expect(received).toHaveLength(1);
    const delivered = (await outboxOf(alert.alertId)).filter(
      (event) => event.type === 'harbour.alert.delivered',
    );
    expect(delivered.map((event) => event.data)).toContainEqual(
      expect.objectContaining({ channel: 'webhook', messageId: webhook?.messageId }),
    );
  });

  it('retries an endpoint answering 500 with the same webhook-id, until it accepts once', async () => {
    const path = '/flaky';
    const target = await partner('E09000019', path);
    receiver.script.set(path, [500, 500, 503]);
    const { alertId, deliveryId } = await pendingWebhookDelivery('E09000019', target, path);

    await expectEventually(async () => {
      expect((await deliveries.find(deliveryId))?.status).toBe('sent');
    });
    const requests = receiver.at(path);
    expect(requests.map((r) => r.status)).toEqual([500, 500, 503, 204]);
    expect(requests.every((r) => r.verified)).toBe(true);
    expect(new Set(requests.map((r) => r.headers['webhook-id']))).toEqual(
      new Set([`msg_${deliveryId}`]),
    );
    expect(new Set(requests.map((r) => r.body)).size).toBe(1);

    const row = await deliveries.find(deliveryId);
    expect(row).toMatchObject({ attempts: 4, providerResponse: 'HTTP 204 No Content' });
    const log = await deliveries.eventsOfAlert(alertId);
    expect(log.map((entry) => [entry.event, entry.detail])).toEqual([
      ['queued', 'channel=webhook'],
      ['retrying', 'HTTP 500 Internal Server Error'],
      ['retrying', 'HTTP 500 Internal Server Error'],
      ['retrying', 'HTTP 503 Service Unavailable'],
      ['sent', 'HTTP 204 No Content'],
    ]);
    expect((await outboxOf(alertId)).map((event) => event.type)).toEqual([
      'harbour.alert.delivered',
    ]);
  });

  it('fails a delivery at once when the endpoint answers 410 Gone, and raises harbour.delivery.failed', async () => {
    const path = '/gone';
    const target = await partner('E09000012', path);
    receiver.script.set(path, [410, 410, 410]);
    const { alertId, deliveryId } = await pendingWebhookDelivery('E09000012', target, path);

    const failed = await expectEventually(async () => {
      const row = await deliveries.find(deliveryId);
      expect(row?.status).toBe('failed');
      return row;
    });
    expect(failed).toMatchObject({ attempts: 1, lastError: 'HTTP 410 Gone' });
    expect(receiver.at(path)).toHaveLength(1);
    expect(await outboxOf(alertId)).toEqual([
      {
        type: 'harbour.delivery.failed',
        data: expect.objectContaining({
          deliveryId,
          organisationId: target.organisationId,
          channel: 'webhook',
          attempts: 1,
          permanent: true,
          error: 'HTTP 410 Gone',
        }) as unknown,
      },
    ]);
    const log = await deliveries.eventsOfAlert(alertId);
    expect(log.map((entry) => [entry.event, entry.detail])).toEqual([
      ['queued', 'channel=webhook'],
      ['failed', 'HTTP 410 Gone'],
    ]);
  });
  it('stores webhook secrets encrypted: the contact row holds no plaintext secret', async () => {
    const target = await partner('E09000020', '/sealed');
    const [row] = await dataSource.query<Record<string, string | null>[]>(
      `SELECT secret, secret_encrypted FROM "${schema.schema}".contact WHERE id = $1`,
      [target.contactId],
    );
    expect(row?.secret).toBeNull();
    const sealed = row?.secret_encrypted ?? '';
    expect(sealed).not.toContain(target.secret);
    expect(sealed).not.toContain(target.secret.slice('whsec_'.length));
    expect(cipher.decrypt(sealed, WEBHOOK_SECRET_COLUMN.context)).toBe(target.secret);
    // Bound to its column: the same token does not open as another column's value.
    expect(() => cipher.decrypt(sealed, PREVIOUS_WEBHOOK_SECRET_COLUMN.context)).toThrow();
  });

  it('signs with both secrets during a rotation’s overlap, each verifying alone, then with the new one only', async () => {
    const path = '/rotating';
    const target = await partner('E09000021', path);
    const old = target.secret;
    const rotated = await secrets.rotate(target.contactId, { overlapHours: 2 });
    const fresh = rotated?.generatedSecret ?? '';
    expect(fresh).toMatch(/^whsec_/);
    expect(rotated?.previousSecretRetiresAt?.getTime()).toBeGreaterThan(Date.now());

    // The partner has not switched yet: its old secret still verifies the request.
    const during = await pendingWebhookDelivery('E09000021', target, path);
    await expectEventually(async () => {
      expect((await deliveries.find(during.deliveryId))?.status).toBe('sent');
    });
    const [overlapping] = receiver.at(path);
    const signatures = String(overlapping?.headers['webhook-signature']).split(' ');
    expect(signatures).toHaveLength(2);
    const headers = (request: ReceivedRequest | undefined, signature: string) => ({
      'webhook-id': String(request?.headers['webhook-id']),
      'webhook-timestamp': String(request?.headers['webhook-timestamp']),
      'webhook-signature': signature,
    });
    // The new secret's signature comes first; each one alone verifies with its own secret.
    const [byNew = '', byOld = ''] = signatures;
    expect(() =>
      new Webhook(fresh).verify(overlapping?.body ?? '', headers(overlapping, byNew)),
    ).not.toThrow();
    expect(() =>
      new Webhook(old).verify(overlapping?.body ?? '', headers(overlapping, byOld)),
    ).not.toThrow();
    expect(() =>
      new Webhook(old).verify(overlapping?.body ?? '', headers(overlapping, byNew)),
    ).toThrow(WebhookVerificationError);

    const [row] = await dataSource.query<Record<string, string | null>[]>(
      `SELECT secret, secret_encrypted, previous_secret_encrypted FROM "${schema.schema}".contact
        WHERE id = $1`,
      [target.contactId],
    );
    for (const plaintext of [old, fresh]) {
      expect(JSON.stringify(row)).not.toContain(plaintext.slice('whsec_'.length));
    }
    expect(row?.secret).toBeNull();

    // Past the overlap, only the new secret signs: the partner has switched.
    clockOffsetMs = 2 * 3_600_000 + 1000;
    try {
      receiver.secrets.set(path, fresh);
      const after = await pendingWebhookDelivery('E09000021', target, path);
      await expectEventually(async () => {
        expect((await deliveries.find(after.deliveryId))?.status).toBe('sent');
      });
      const latest = receiver.at(path).at(-1);
      expect(latest?.verified).toBe(true);
      expect(String(latest?.headers['webhook-signature']).split(' ')).toHaveLength(1);
      expect(() =>
        new Webhook(old).verify(latest?.body ?? '', latest?.headers as Record<string, string>),
      ).toThrow(WebhookVerificationError);
    } finally {
      clockOffsetMs = 0;
    }

    // Audited as a directory change: ids and times, never a secret.
    const audit = await dataSource.query<{ action: string; details: unknown }[]>(
      `SELECT action, details FROM "${schema.schema}".audit_log WHERE resource_id = $1 ORDER BY seq`,
      [target.contactId],
    );
    expect(audit.map((entry) => entry.action)).toEqual([
      'directory.webhook.added',
      'directory.webhook.secret.rotated',
    ]);
    expect(audit[1]?.details).toEqual({
      organisationId: target.organisationId,
      overlapHours: 2,
      previousSecretRetiresAt: rotated?.previousSecretRetiresAt?.toISOString(),
    });
    expect(JSON.stringify(audit)).not.toContain(fresh.slice('whsec_'.length));
  });

  it('rotates without overlap at once, refuses bad overlaps and secrets, and knows only webhook contacts', async () => {
    const path = '/leaked';
    const target = await partner('E09000022', path);
    const partnerOwn = generateWebhookSecret();
    const rotated = await secrets.rotate(target.contactId, { overlapHours: 0, secret: partnerOwn });
    expect(rotated).toEqual({
      contactId: target.contactId,
      organisationId: target.organisationId,
      previousSecretRetiresAt: null,
    });
    expect(await secrets.signingSecretsOf(target.contactId)).toEqual([partnerOwn]);

    await expect(secrets.rotate(target.contactId, { overlapHours: 169 })).rejects.toThrow(
      RangeError,
    );
    await expect(secrets.rotate(target.contactId, { secret: 'whsec_short' })).rejects.toThrow(
      RangeError,
    );
    expect(await secrets.rotate(randomUUID())).toBeNull();
    const email = await directory.addContact({
      organisationId: target.organisationId,
      channel: 'email',
      address: `${prefix}.leaked@test.harbour.localhost`,
    });
    expect(await secrets.rotate(email.value.id)).toBeNull();
    expect(await secrets.signingSecretsOf(email.value.id)).toEqual([]);
    expect(await secrets.signingSecretsOf(target.contactId)).toEqual([partnerOwn]);
  });
});
