import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { INestApplication } from '@nestjs/common';
import type {
  AlertCancelled,
  AlertRequested,
  AlertStageReleased,
  OrganisationKind,
} from '@harbour/contracts';
import { createEvent, createKafka, type HarbourEvent } from '@harbour/messaging';
import {
  createLogger,
  type IdentityStore,
  openServiceDatabase,
  type ServiceDatabase,
} from '@harbour/platform';
import {
  createTestSchema,
  expectEventually,
  SmtpInbox,
  testDatabaseUrl,
  testKafkaBrokers,
  type TestSchema,
  uniqueName,
} from '@harbour/testing';
import type { DataSource } from 'typeorm';
import { ALERT_CANCELLED } from '../alerts/alert-cancelled-handler';
import { alertEventHandlers, cancelsEscalation } from '../alerts/alert-event-handlers';
import { AlertRepository } from '../alerts/alert-repository';
import { ALERT_REQUESTED } from '../alerts/alert-requested-handler';
import type { CauseAlertsView } from '../causes/cause-alerts-view';
import { type DeliveryPipeline, startDeliveryPipeline } from '../delivery/delivery-pipeline';
import { DeliveryRepository } from '../delivery/delivery-repository';
import { DirectoryRepository } from '../directory/directory-repository';
import type { Escalation } from '../escalation/start-escalation';
import { ALERT_STAGE_RELEASED } from '../follow-ups/stage-released-handler';
import { NOTIFICATION_MIGRATIONS } from '../migrations';
import {
  addTestPartner,
  deleteQueueKeys,
  NO_RELAY,
  notificationTestOutbox,
  startTestEscalation,
  startCauseAlertsApp,
  startTestEventTopic,
  type TestEventTopic,
  type TestPartner,
  testDeliveryConfig,
  testWebhookSecrets,
} from '../test-support/notification-test-harness';

jest.setTimeout(180_000);

const CAMDEN = 'E09000007';
const WITHHELD = 'withheld: purpose victim_support';
const RESPONSE = '2 caseworkers, 1 Albanian interpreter, 3 female beds';
/** A policy minute lasts a quarter of a second here. */
const MINUTE_MS = 250;

type Partner = TestPartner;

interface DeliveryRow {
  organisation_id: string;
  address: string;
  purpose: string;
  status: string;
  matched_rule: string;
  last_error: string | null;
}

/**
 * Purpose-bound sharing end to end: victim-support data (a referral's alert, partners' responses)
 * never reaches an immigration enforcement organisation, whatever the audience's roles, its named
 * organisations, the escalation policy, a released stage or the alert's closure say. Real
 * Postgres, Redis, Kafka (a topic of this test's own) and SMTP; the HTTP API with real API keys.
 */
describe('purpose-bound sharing: victim-support data never reaches immigration enforcement', () => {
  const logLines: Record<string, unknown>[] = [];
  const logger = createLogger({
    service: 'purpose-bound-test',
    level: 'warn',
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n')) {
          if (line.trim() !== '') logLines.push(JSON.parse(line) as Record<string, unknown>);
        }
        done();
      },
    }),
  });
  const inbox = new SmtpInbox();
  const run = uniqueName('pb');
  const queuePrefix = uniqueName('nqp');
  const deliveryQueueName = uniqueName('delivery');
  const kafka = createKafka({ brokers: testKafkaBrokers(), clientId: run, logger });
  let schema: TestSchema;
  let database: ServiceDatabase;
  let dataSource: DataSource;
  let identity: IdentityStore;
  let pipeline: DeliveryPipeline;
  let escalation: Escalation;
  let events: TestEventTopic;
  let app: INestApplication;
  let baseUrl: string;

  let ukvi: Partner;
  let ukviOutOfHours: string;
  let ngo: Partner;
  let specialist: Partner;
  let police: Partner;
  let coordinator: Partner;

  beforeAll(async () => {
    schema = await createTestSchema('purpose_bound');
    database = await openServiceDatabase({
      service: 'notification',
      databaseUrl: testDatabaseUrl(),
      schema: schema.schema,
      migrations: NOTIFICATION_MIGRATIONS,
      poolSize: 8,
    });
    ({ dataSource, identity } = database);
    const directory = new DirectoryRepository(dataSource);
    const outbox = notificationTestOutbox(schema);

    const address = (who: string): string => `${who}.${run}@test.harbour.localhost`;
    const addContact = async (organisationId: string, email: string, outOfHours = false) => {
      const { id } = (
        await directory.addContact({ organisationId, channel: 'email', address: email })
      ).value;
      await dataSource.query(
        `UPDATE "${schema.schema}".contact SET out_of_hours = $2 WHERE id = $1`,
        [id, outOfHours],
      );
    };
    const partner = (name: string, kind: OrganisationKind, boroughs: string[]): Promise<Partner> =>
      addTestPartner({ identity, directory, run }, { name, kind, boroughs });
    // Immigration enforcement, pan-London, with a duty and an out-of-hours inbox.
    ukvi = await partner('UKVI London', 'immigration', ['pan_london']);
    ukviOutOfHours = address('ukvi.out.of.hours');
    await addContact(ukvi.id, ukviOutOfHours, true);
    ngo = await partner('Camden Outreach', 'ngo', [CAMDEN]);
    specialist = await partner('Modern Slavery Unit', 'police_specialist', ['pan_london']);
    police = await partner('Camden Police', 'police_borough', [CAMDEN]);
    coordinator = await partner('Coordinator', 'coordinator', ['pan_london']);

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
    events = await startTestEventTopic(kafka, 'purpose-bound', {
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
      afterCommit: async (event) => {
        await Promise.all([
          pipeline.dispatcher.kick(),
          escalation.kick(),
          cancelsEscalation(event) ? escalation.disarm() : undefined,
        ]);
      },
    });

    ({ app, baseUrl } = await startCauseAlertsApp({
      service: 'purpose-bound-test',
      dataSource,
      identity,
      outbox,
      logger,
    }));
  });

  afterAll(async () => {
    await app.close();
    await events.stop();
    await escalation.close();
    await pipeline.stop();
    pipeline.disconnect();
    await database.close();
    await schema.drop();
    await deleteQueueKeys(queuePrefix);
  });

  /**
   * An alert whose routing reaches the immigration team every way it can: by role, by name, and
   * at every level of its escalation policy (twice over), with the NGO and the specialist unit.
   */
  function alertReachingImmigration(kind: 'referral' | 'operation'): AlertRequested {
    return {
      alertId: randomUUID(),
      cause: { kind, id: randomUUID(), eventId: randomUUID(), ownerOrganisationId: police.id },
      severity: 'high',
      acknowledgeWithinMinutes: 1,
      audience: { roles: ['immigration', 'ngo'], boroughs: [CAMDEN], organisations: [ukvi.id] },
      escalationPolicy: {
        levels: [
          {
            afterMinutes: 1,
            roles: ['immigration', 'police_specialist'],
            boroughs: ['pan_london'],
          },
        ],
        repeat: 1,
      },
      disclosure: { level: 'notice' },
      summary: {
        title: `${kind === 'referral' ? 'Referral' : 'Planned operation'} — Camden ${run}`,
        lines: [{ label: 'Support needed', value: 'female bed, Albanian interpreter' }],
      },
      requestedAt: new Date().toISOString(),
    };
  }

  const publish = async (alertId: string, ...list: HarbourEvent[]): Promise<void> => {
    await events.consumedPast(await events.publish(alertId, ...list));
  };
  const requested = (alert: AlertRequested): HarbourEvent =>
    createEvent({
      type: ALERT_REQUESTED,
      source: '/harbour/safeguarding',
      subject: alert.alertId,
      data: alert,
    });
  const released = (alertId: string): HarbourEvent => {
    const stage: AlertStageReleased = {
      alertId,
      disclosure: { level: 'operational' },
      summary: {
        title: `Placement details ${run}`,
        lines: [{ label: 'Safe house', value: '12 Example Road' }],
      },
      releasedAt: new Date().toISOString(),
      reason: 'placement confirmed',
    };
    return createEvent({
      type: ALERT_STAGE_RELEASED,
      source: '/harbour/safeguarding',
      subject: alertId,
      data: stage,
    });
  };
  const cancelled = (alertId: string): HarbourEvent => {
    const cancellation: AlertCancelled = {
      alertId,
      cancelledAt: new Date().toISOString(),
      reason: 'The person has been placed.',
    };
    return createEvent({
      type: ALERT_CANCELLED,
      source: '/harbour/safeguarding',
      subject: alertId,
      data: cancellation,
    });
  };

  const deliveriesOf = (alertId: string): Promise<DeliveryRow[]> =>
    dataSource.query<DeliveryRow[]>(
      `SELECT organisation_id, address, purpose, status, matched_rule, last_error
         FROM "${schema.schema}".delivery WHERE alert_id = $1
        ORDER BY created_at, address`,
      [alertId],
    );
  const mentions = async (address: string, alertId: string): Promise<number> =>
    (await inbox.messagesTo(address)).filter((m) => (m.text ?? '').includes(alertId)).length;
  const allSent = (alertId: string): Promise<void> =>
    expectEventually(
      async () => {
        const rows = await deliveriesOf(alertId);
        expect(rows.filter((row) => row.status === 'pending')).toEqual([]);
      },
      { timeoutMs: 60_000, description: 'every delivery of the alert settled' },
    );
  /** Both rounds of the policy have escalated to the specialist unit. */
  const bothRoundsEscalated = (alertId: string): Promise<void> =>
    expectEventually(
      async () => {
        const rows = await deliveriesOf(alertId);
        expect(
          rows.filter(
            (row) =>
              row.purpose === 'escalation' &&
              row.status === 'sent' &&
              row.organisation_id === specialist.id,
          ),
        ).toHaveLength(2);
      },
      { timeoutMs: 60_000, description: 'both rounds escalated to the specialist unit' },
    );
  const withheldLines = (alertId: string): Record<string, unknown>[] =>
    logLines.filter((line) => line['msg'] === WITHHELD && line['alertId'] === alertId);

  it('a referral reaches the NGO and the specialist unit, never the immigration team: not by role, name, escalation, stage or closure', async () => {
    const referral = alertReachingImmigration('referral');
    await publish(referral.alertId, requested(referral));
    await inbox.waitFor(
      (m) => m.to.some((t) => t.address === ngo.email) && (m.text ?? '').includes(referral.alertId),
      {
        timeoutMs: 60_000,
        description: 'the referral alert to the NGO',
      },
    );
    // Both rounds of the policy escalate to the specialist unit (and would to UKVI).
    await bothRoundsEscalated(referral.alertId);
    await publish(referral.alertId, released(referral.alertId), cancelled(referral.alertId));
    await allSent(referral.alertId);

    const rows = await deliveriesOf(referral.alertId);
    expect(rows.filter((row) => row.organisation_id === ukvi.id)).toEqual([]);
    expect(rows.map((row) => [row.address, row.purpose, row.status]).sort()).toEqual(
      [
        [ngo.email, 'alert', 'sent'],
        [specialist.email, 'escalation', 'sent'],
        [specialist.email, 'escalation', 'sent'],
        [ngo.email, 'follow_up', 'sent'],
        [ngo.email, 'closure', 'sent'],
        [specialist.email, 'closure', 'sent'],
      ].sort(),
    );
    for (const address of [ukvi.email, ukviOutOfHours]) {
      expect(await mentions(address, referral.alertId)).toBe(0);
    }
    // Withheld, not lost: the audience and each escalation say so in the log, by id only.
    const lines = withheldLines(referral.alertId);
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const line of lines) {
      expect(line).toMatchObject({ purpose: 'victim_support', organisationIds: [ukvi.id] });
      expect(JSON.stringify(line)).not.toContain('Albanian');
    }
  });

  it('the same routing for an operation does reach the immigration team (its contact works)', async () => {
    const operation = alertReachingImmigration('operation');
    await publish(operation.alertId, requested(operation));
    await bothRoundsEscalated(operation.alertId);
    await publish(operation.alertId, released(operation.alertId), cancelled(operation.alertId));
    await allSent(operation.alertId);
    const toUkvi = (await deliveriesOf(operation.alertId)).filter(
      (row) => row.organisation_id === ukvi.id,
    );
    // Its duty inbox: the alert, both escalations, the update and the closure; every escalation
    // level reaches each of its contacts, the out-of-hours one too.
    expect(toUkvi.filter((row) => row.address === ukvi.email).map((row) => row.purpose)).toEqual([
      'alert',
      'escalation',
      'escalation',
      'follow_up',
      'closure',
    ]);
    expect(toUkvi.filter((row) => row.address === ukviOutOfHours)).toHaveLength(3);
    expect(toUkvi.every((row) => row.status === 'sent')).toBe(true);
    expect(await mentions(ukvi.email, operation.alertId)).toBe(5);
    expect(await mentions(ukviOutOfHours, operation.alertId)).toBe(3);
    expect(withheldLines(operation.alertId)).toEqual([]);
  });

  it('a referral only the immigration team was routed to goes to the coordinator instead, saying it was withheld', async () => {
    const referral: AlertRequested = {
      ...alertReachingImmigration('referral'),
      severity: 'informational',
      audience: { roles: ['immigration'], boroughs: [CAMDEN], organisations: [ukvi.id] },
    };
    delete referral.escalationPolicy;
    await publish(referral.alertId, requested(referral));
    await allSent(referral.alertId);
    const rows = await deliveriesOf(referral.alertId);
    expect(rows).toEqual([
      expect.objectContaining({
        organisation_id: coordinator.id,
        purpose: 'alert',
        status: 'sent',
        matched_rule: `fallback=coordinator: no reachable partner for role=immigration & borough=${CAMDEN} & ${WITHHELD}`,
      }),
    ]);
    expect(await mentions(coordinator.email, referral.alertId)).toBe(1);
    expect(await mentions(ukvi.email, referral.alertId)).toBe(0);
  });

  it('a delivery to the immigration team recorded before the rule held is refused, and its organisation hears nothing more', async () => {
    const referral: AlertRequested = {
      ...alertReachingImmigration('referral'),
      severity: 'informational',
      audience: { roles: ['ngo'], boroughs: [CAMDEN] },
    };
    delete referral.escalationPolicy;
    await publish(referral.alertId, requested(referral));
    await allSent(referral.alertId);
    // As an older version (or a bug) would have left it: a pending alert delivery to UKVI.
    const legacyId = randomUUID();
    await dataSource.query(
      `INSERT INTO "${schema.schema}".delivery
         (id, alert_id, organisation_id, contact_id, channel, address, status, message_id, matched_rule)
       SELECT $1, $2, c.organisation_id, c.id, 'email', c.address, 'pending', $3, 'organisation=named'
         FROM "${schema.schema}".contact c WHERE c.address = $4`,
      [legacyId, referral.alertId, `<${legacyId}@harbour.localhost>`, ukvi.email],
    );
    await pipeline.dispatcher.kick();
    await expectEventually(
      async () => {
        const legacy = (await deliveriesOf(referral.alertId)).find(
          (row) => row.organisation_id === ukvi.id,
        );
        expect(legacy).toMatchObject({ status: 'failed', last_error: WITHHELD });
      },
      { timeoutMs: 60_000, description: 'the legacy delivery refused' },
    );
    await publish(referral.alertId, released(referral.alertId), cancelled(referral.alertId));
    await allSent(referral.alertId);
    const rows = await deliveriesOf(referral.alertId);
    expect(rows.filter((row) => row.organisation_id === ukvi.id).map((row) => row.purpose)).toEqual(
      ['alert'],
    );
    expect(rows.filter((row) => row.organisation_id === ngo.id).map((row) => row.purpose)).toEqual([
      'alert',
      'follow_up',
      'closure',
    ]);
    expect(await mentions(ukvi.email, referral.alertId)).toBe(0);
    // The stage's recipients were read from the deliveries, the legacy one among them: withheld.
    expect(withheldLines(referral.alertId)).toContainEqual(
      expect.objectContaining({ organisationIds: [ukvi.id] }),
    );
  });

  it('the owner’s view of its alerts shows partners’ responses to a police owner, never to an immigration owner', async () => {
    /** A welfare visit or an operation, owned by its planner, for the Camden NGO. */
    const ownedBy = (owner: Partner): AlertRequested => ({
      alertId: randomUUID(),
      cause: {
        kind: 'operation',
        id: randomUUID(),
        eventId: randomUUID(),
        ownerOrganisationId: owner.id,
      },
      severity: 'informational',
      acknowledgeWithinMinutes: 60,
      audience: { roles: ['ngo'], boroughs: [CAMDEN], organisations: [owner.id] },
      disclosure: { level: 'notice' },
      summary: { title: `Planned welfare visit — Camden ${run}`, lines: [] },
      requestedAt: new Date().toISOString(),
    });
    const byUkvi = ownedBy(ukvi);
    const byPolice = ownedBy(police);
    for (const alert of [byUkvi, byPolice]) {
      await publish(alert.alertId, requested(alert));
      const acknowledged = await fetch(`${baseUrl}/v1/alerts/${alert.alertId}/acknowledgements`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await ngo.key('respond')}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ response: RESPONSE }),
      });
      expect(acknowledged.status).toBe(201);
    }
    const view = async (alert: AlertRequested, key: string): Promise<CauseAlertsView> => {
      const response = await fetch(`${baseUrl}/v1/causes/operation/${alert.cause.id}/alerts`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(response.status).toBe(200);
      return (await response.json()) as CauseAlertsView;
    };
    const ngoAnswer = (v: CauseAlertsView) =>
      v.alerts[0]?.recipients.find((r) => r.organisation.id === ngo.id);

    // UKVI sees who was told and when, and that the NGO acknowledged — not what it offered.
    const ukviView = await view(byUkvi, await ukvi.key('read'));
    expect(ngoAnswer(ukviView)).toMatchObject({
      organisation: { id: ngo.id, kind: 'ngo' },
      deliveries: [expect.objectContaining({ channel: 'email' })],
      acknowledgedAt: expect.any(String) as unknown,
    });
    expect(ngoAnswer(ukviView)).not.toHaveProperty('response');
    expect(JSON.stringify(ukviView)).not.toContain('caseworkers');

    // The police owner, and a coordinator, read the response.
    expect(ngoAnswer(await view(byPolice, await police.key('read')))?.response).toBe(RESPONSE);
    expect(ngoAnswer(await view(byUkvi, await coordinator.key('admin')))?.response).toBe(RESPONSE);
  });
});
