import { randomUUID } from 'node:crypto';
import type { AlertRequested, DisclosureLevel, OrganisationKind } from '@harbour/contracts';
import { createLogger } from '@harbour/platform';
import type { TestSchema } from '@harbour/testing';
import type { DataSource } from 'typeorm';
import { AlertRepository } from '../alerts/alert-repository';
import type { DeliveryChannel, OutgoingDelivery } from '../channels/delivery-channel';
import { DirectoryRepository } from '../directory/directory-repository';
import { openNotificationTestDatabase } from '../test-support/notification-test-database';
import { statementsDuring } from '../test-support/statements-during';
import {
  NO_RELAY,
  notificationTestOutbox,
  testFieldCipher,
  testWebhookSecrets,
} from '../test-support/notification-test-harness';
import { DeliverAlert } from './deliver-alert';
import { DeliveryRepository } from './delivery-repository';

jest.setTimeout(60_000);

const CAMDEN = 'E09000007';

/** A channel that accepts everything at once (the database work is what is measured here). */
class AcceptingChannel implements DeliveryChannel {
  readonly sent: OutgoingDelivery[] = [];
  constructor(readonly kind: 'email' | 'webhook') {}
  send(message: OutgoingDelivery): Promise<{ providerResponse: string }> {
    this.sent.push(message);
    return Promise.resolve({ providerResponse: '250 accepted' });
  }
}

/**
 * How many round trips one delivery costs the database: the delivery path runs for every
 * message a partner gets, so each statement it adds is paid hundreds of times a second under
 * load (docs/performance.md).
 */
describe('the round trips of one delivery', () => {
  const logger = createLogger({ service: 'round-trips-test', level: 'silent' });
  const cipher = testFieldCipher();
  let schema: TestSchema;
  let dataSource: DataSource;
  let deliveries: DeliveryRepository;
  let alerts: AlertRepository;
  let deliver: DeliverAlert;
  let email: AcceptingChannel;
  let webhook: AcceptingChannel;
  let police: { id: string; contactId: string; webhookContactId: string };

  beforeAll(async () => {
    ({ schema, dataSource } = await openNotificationTestDatabase('notification_round_trips', 4));
    const webhookSecrets = testWebhookSecrets(dataSource, cipher);
    const directory = new DirectoryRepository(dataSource, webhookSecrets);
    deliveries = new DeliveryRepository(dataSource);
    alerts = new AlertRepository(dataSource);
    email = new AcceptingChannel('email');
    webhook = new AcceptingChannel('webhook');
    deliver = new DeliverAlert({
      dataSource,
      alerts,
      deliveries,
      channels: [email, webhook],
      webhookSecrets,
      acknowledgeUrl: (delivery) => `https://harbour.example/ack/${delivery.id}`,
      outbox: notificationTestOutbox(schema),
      relay: NO_RELAY,
      logger,
      maxAttempts: 3,
    });
    const kind: OrganisationKind = 'police_borough';
    const organisation = (
      await directory.addOrganisation({
        id: randomUUID(),
        name: 'Camden Police',
        kind,
        boroughs: [CAMDEN],
      })
    ).value;
    const contact = await directory.addContact({
      organisationId: organisation.id,
      channel: 'email',
      address: `duty.${randomUUID()}@test.harbour.localhost`,
    });
    const hook = await directory.addContact({
      organisationId: organisation.id,
      channel: 'webhook',
      address: 'https://partner.example/harbour',
      secret: `whsec_${Buffer.from(randomUUID()).toString('base64')}`,
    });
    police = {
      id: organisation.id,
      contactId: contact.value.id,
      webhookContactId: hook.value.id,
    };
  });

  afterAll(async () => {
    await dataSource.destroy();
    await schema.drop();
  });

  async function pending(channel: 'email' | 'webhook', level: DisclosureLevel): Promise<string> {
    const request: AlertRequested = {
      alertId: randomUUID(),
      cause: { kind: 'missing_episode', id: randomUUID(), eventId: randomUUID() },
      severity: 'critical',
      acknowledgeWithinMinutes: 30,
      audience: { roles: ['police_borough'], boroughs: [CAMDEN] },
      disclosure: { level },
      summary: { title: 'Missing child — Camden', lines: [{ label: 'Risk', value: 'high' }] },
      requestedAt: new Date().toISOString(),
    };
    const [id] = await dataSource.transaction(async (manager) => {
      await alerts.record(request, manager);
      return deliveries.addPending(
        [
          {
            alertId: request.alertId,
            organisationId: police.id,
            contactId: channel === 'email' ? police.contactId : police.webhookContactId,
            channel,
            address:
              channel === 'email' ? 'duty@test.harbour.localhost' : 'https://partner.example',
            matchedRule: `role=police_borough & borough=${CAMDEN}`,
          },
        ],
        manager,
      );
    });
    if (id === undefined) throw new Error('no delivery added');
    return id;
  }

  /** The statements that recorded a send (one per group of sends recorded together). */
  const recordings = (statements: string[]) =>
    statements.filter((statement) => statement.startsWith('WITH sent AS'));

  async function deliveredEvents(ids: readonly string[]): Promise<string[]> {
    const rows = await dataSource.query<{ delivery_id: string }[]>(
      `SELECT data->>'deliveryId' AS delivery_id FROM "${schema.schema}".outbox
        WHERE type = 'harbour.alert.delivered' AND data->>'deliveryId' = ANY($1)`,
      [[...ids]],
    );
    return rows.map((row) => row.delivery_id);
  }

  async function sentLogs(ids: readonly string[]): Promise<string[]> {
    const rows = await dataSource.query<{ delivery_id: string }[]>(
      `SELECT delivery_id FROM "${schema.schema}".delivery_event
        WHERE event = 'sent' AND delivery_id = ANY($1::uuid[])`,
      [[...ids]],
    );
    return rows.map((row) => row.delivery_id);
  }

  it('sends an e-mail in two: one statement counts the attempt and reads what it needs, one records the send', async () => {
    const id = await pending('email', 'personal');
    const statements = await statementsDuring(() => deliver.execute(id));
    expect(statements).toHaveLength(2);
    expect(statements[0]).toMatch(/^UPDATE .*delivery d SET attempts = d\.attempts \+ 1/);
    expect(recordings(statements)).toHaveLength(1);

    const sent = await deliveries.find(id);
    expect(sent).toMatchObject({ status: 'sent', attempts: 1, providerResponse: '250 accepted' });
    expect(await sentLogs([id])).toEqual([id]);
    expect(await deliveredEvents([id])).toEqual([id]);
    // Rendered as before: a notice with the acknowledgement link (the rest stays behind it).
    const message = email.sent.find((m) => m.deliveryId === id);
    expect(message).toBeDefined();
    expect(JSON.stringify(message)).toContain(`https://harbour.example/ack/${id}`);
    expect(JSON.stringify(message)).not.toContain('Risk');
  });

  it('sends a webhook above the notice with its secrets read and its audit entry in one transaction', async () => {
    const id = await pending('webhook', 'operational');
    const statements = await statementsDuring(() => deliver.execute(id));
    // Claim, secrets, then BEGIN, the record, the chain head, its clock, the entry, COMMIT.
    expect(statements.length).toBeLessThanOrEqual(8);
    expect(statements).toContain('START TRANSACTION');
    expect((await deliveries.find(id))?.status).toBe('sent');
    expect(await deliveredEvents([id])).toEqual([id]);
    const [entry] = await dataSource.query<{ action: string; reason: string }[]>(
      `SELECT action, reason FROM "${schema.schema}".audit_log
        WHERE details->>'deliveryId' = $1`,
      [id],
    );
    expect(entry).toEqual({
      action: 'disclosure.operational',
      reason: `role=police_borough & borough=${CAMDEN}`,
    });
  });

  it('records e-mails sent at the same moment together, each once with its event', async () => {
    const ids = await Promise.all(Array.from({ length: 24 }, () => pending('email', 'notice')));
    const statements = await statementsDuring(() =>
      Promise.all(ids.map((id) => deliver.execute(id))),
    );
    expect(recordings(statements).length).toBeLessThan(ids.length);
    const rows = await Promise.all(ids.map((id) => deliveries.find(id)));
    expect(rows.map((row) => row?.status)).toEqual(ids.map(() => 'sent'));
    expect((await sentLogs(ids)).sort()).toEqual([...ids].sort());
    expect((await deliveredEvents(ids)).sort()).toEqual([...ids].sort());
  });

  it('records a delivery sent twice at once (a stray second job) once, with one event', async () => {
    const id = await pending('email', 'notice');
    const outcomes = await Promise.all([deliver.execute(id), deliver.execute(id)]);
    expect(outcomes.map((outcome) => outcome.kind)).toContain('sent');
    expect(await sentLogs([id])).toEqual([id]);
    expect(await deliveredEvents([id])).toEqual([id]);
  });

  it("adds an alert's deliveries in one statement, each once however often it is asked", async () => {
    const id = await pending('email', 'notice');
    const first = await deliveries.find(id);
    if (first === null) throw new Error('no delivery');
    const contacts = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const [row] = await dataSource.query<{ id: string }[]>(
          `INSERT INTO "${schema.schema}".contact (id, organisation_id, channel, address, label)
           VALUES ($1, $2, 'email', $3, '') RETURNING id`,
          [randomUUID(), police.id, `duty.${randomUUID()}@test.harbour.localhost`],
        );
        return row!.id;
      }),
    );
    const more = contacts.map((contactId) => ({
      alertId: first.alertId,
      organisationId: police.id,
      contactId,
      channel: 'email' as const,
      address: 'duty@test.harbour.localhost',
      matchedRule: `role=police_borough & borough=${CAMDEN}`,
    }));
    let added: string[] = [];
    const statements = await statementsDuring(async () => {
      added = await dataSource.transaction((manager) => deliveries.addPending(more, manager));
    });
    expect(statements).toHaveLength(3); // BEGIN, the deliveries with their log rows, COMMIT
    expect(added).toHaveLength(5);
    const rows = await Promise.all(added.map((deliveryId) => deliveries.find(deliveryId)));
    // In the order asked for, each with its own message id.
    expect(rows.map((row) => row?.contactId)).toEqual(contacts);
    expect(new Set(rows.map((row) => row?.messageId)).size).toBe(5);
    const log = await deliveries.eventsOfAlert(first.alertId);
    expect(log.filter((entry) => entry.event === 'queued')).toHaveLength(6);

    // Again, and with one asked twice in the same call: nothing more.
    const again = await dataSource.transaction((manager) =>
      deliveries.addPending([...more, more[0]!], manager),
    );
    expect(again).toEqual([]);
    expect(await deliveries.eventsOfAlert(first.alertId)).toHaveLength(log.length);
  });
});
