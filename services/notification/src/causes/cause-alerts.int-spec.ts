import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { AlertRequested, AlertStageReleased, OrganisationKind } from '@harbour/contracts';
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
  type InboxMessage,
  SmtpInbox,
  testDatabaseUrl,
  testKafkaBrokers,
  type TestSchema,
  uniqueName,
} from '@harbour/testing';
import type { DataSource } from 'typeorm';
import { AlertRepository } from '../alerts/alert-repository';
import { alertEventHandlers } from '../alerts/alert-event-handlers';
import { ALERT_REQUESTED } from '../alerts/alert-requested-handler';
import { type DeliveryPipeline, startDeliveryPipeline } from '../delivery/delivery-pipeline';
import { DeliveryRepository } from '../delivery/delivery-repository';
import { DirectoryRepository } from '../directory/directory-repository';
import { EscalationTimers } from '../escalation/escalation-timers';
import { ALERT_STAGE_RELEASED } from '../follow-ups/stage-released-handler';
import { NOTIFICATION_MIGRATIONS } from '../migrations';
import {
  addTestPartner,
  deleteQueueKeys,
  NO_RELAY,
  notificationTestOutbox,
  startCauseAlertsApp,
  startTestEventTopic,
  type TestEventTopic,
  type TestPartner,
  testDeliveryConfig,
  testWebhookSecrets,
} from '../test-support/notification-test-harness';
import type { CauseAlertsView } from './cause-alerts-view';

jest.setTimeout(120_000);

const CAMDEN = 'E09000007';
const CROYDON = 'E09000008';
const RESPONSE = '2 caseworkers, 1 Albanian interpreter, 3 female beds';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

type Partner = TestPartner;

/**
 * A planned operation's alert, as safeguarding would raise it: to NGOs of any of several
 * specialisms and to the planner by name, owned by the planner. Real Postgres, Redis, Kafka
 * (a topic of this test's own) and SMTP; the HTTP API with real API keys.
 */
describe('the cause owner’s view of its alerts and partners’ responses', () => {
  const logger = createLogger({ service: 'cause-alerts-test', level: 'silent' });
  const inbox = new SmtpInbox();
  const run = uniqueName('ca');
  const queuePrefix = uniqueName('nqc');
  const kafka = createKafka({ brokers: testKafkaBrokers(), clientId: run, logger });
  let schema: TestSchema;
  let database: ServiceDatabase;
  let dataSource: DataSource;
  let identity: IdentityStore;
  let pipeline: DeliveryPipeline;
  let events: TestEventTopic;
  let app: INestApplication;
  let baseUrl: string;

  let planner: Partner;
  let outreach: Partner;
  let labour: Partner;
  let childrenNgo: Partner;
  let croydonOutreach: Partner;
  let camdenMpu: Partner;
  let otherPolice: Partner;
  let coordinatorAdminKey: string;
  let coordinatorOrganisationId: string;

  beforeAll(async () => {
    schema = await createTestSchema('cause_alerts');
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

    const partner = (
      name: string,
      kind: OrganisationKind,
      boroughs: string[],
      specialisms: string[] = [],
    ): Promise<Partner> =>
      addTestPartner({ identity, directory, run }, { name, kind, boroughs, specialisms });
    // The planner is in Croydon and no NGO: only being named reaches it.
    planner = await partner('Croydon Modern Slavery Unit', 'police_specialist', [CROYDON]);
    outreach = await partner('Camden Outreach', 'ngo', [CAMDEN], ['outreach', 'women']);
    labour = await partner('Camden Labour Advice', 'ngo', [CAMDEN], ['labour']);
    childrenNgo = await partner('Camden Children NGO', 'ngo', [CAMDEN], ['children']);
    croydonOutreach = await partner('Croydon Outreach', 'ngo', [CROYDON], ['outreach']);
    camdenMpu = await partner('Camden MPU', 'missing_person_unit', [CAMDEN], ['labour']);
    otherPolice = await partner('Camden Police', 'police_borough', [CAMDEN]);
    const coordinator = await identity.createOrganisation({
      name: `Coordinator ${run}`,
      kind: 'coordinator',
      boroughs: ['pan_london'],
    });
    coordinatorOrganisationId = coordinator.id;
    coordinatorAdminKey = (
      await identity.issueApiKey({ organisationId: coordinator.id, roles: ['admin'], label: run })
    ).key;

    const alerts = new AlertRepository(dataSource);
    const deliveries = new DeliveryRepository(dataSource);
    pipeline = await startDeliveryPipeline({
      config: testDeliveryConfig({
        NOTIFICATION_QUEUE_NAME: uniqueName('delivery'),
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
    events = await startTestEventTopic(kafka, 'cause-alerts', {
      dataSource,
      schema: schema.schema,
      logger,
      handlers: alertEventHandlers({
        dataSource,
        alerts,
        directory,
        deliveries,
        logger,
        escalation: new EscalationTimers(dataSource),
      }),
      afterCommit: () => pipeline.dispatcher.kick(),
    });

    ({ app, baseUrl } = await startCauseAlertsApp({
      service: 'cause-alerts-test',
      dataSource,
      identity,
      outbox,
      logger,
    }));
  });

  afterAll(async () => {
    await app.close();
    await events.stop();
    await pipeline.stop();
    pipeline.disconnect();
    await database.close();
    await schema.drop();
    await deleteQueueKeys(queuePrefix);
  });

  function operationAlert(operationId: string, supersedes?: string): AlertRequested {
    return {
      alertId: randomUUID(),
      cause: {
        kind: 'operation',
        id: operationId,
        eventId: randomUUID(),
        ownerOrganisationId: planner.id,
      },
      severity: 'high',
      acknowledgeWithinMinutes: 60,
      audience: {
        roles: ['ngo'],
        boroughs: [CAMDEN],
        anyOfSpecialisms: ['sexual', 'outreach', 'labour'],
        // The planner, and an organisation the directory does not know (ignored).
        organisations: [planner.id, randomUUID()],
      },
      disclosure: { level: 'notice' },
      summary: {
        title: 'Planned operation — Camden — victim-first handling',
        lines: [{ label: 'Expected people', value: '6 adults, 4 women' }],
      },
      requestedAt: new Date().toISOString(),
      ...(supersedes === undefined ? {} : { supersedes }),
    };
  }

  const requested = (alert: AlertRequested): HarbourEvent =>
    createEvent({
      type: ALERT_REQUESTED,
      source: '/harbour/safeguarding',
      subject: alert.alertId,
      data: alert,
    });
  const released = (stage: AlertStageReleased): HarbourEvent =>
    createEvent({
      type: ALERT_STAGE_RELEASED,
      source: '/harbour/safeguarding',
      subject: stage.alertId,
      data: stage,
    });

  const about =
    (alertId: string, to: string) =>
    (m: InboxMessage): boolean =>
      m.to.some((t) => t.address === to) && (m.text ?? '').includes(alertId);

  const causeAlerts = (kind: string, id: string, key: string): Promise<Response> =>
    fetch(`${baseUrl}/v1/causes/${kind}/${id}/alerts`, {
      headers: { authorization: `Bearer ${key}` },
    });

  it('reaches the named planner and the NGOs of any of the specialisms, and shows the planner who answered', async () => {
    const operationId = randomUUID();
    const first = operationAlert(operationId);
    await events.consumedPast(await events.publish(first.alertId, requested(first)));

    // The e-mails: the two NGOs offering one of the specialisms, and the planner by name.
    const reached = [outreach, labour, planner];
    for (const recipient of reached) {
      await inbox.waitFor(about(first.alertId, recipient.email), {
        timeoutMs: 60_000,
        description: `the alert e-mail to ${recipient.email}`,
      });
    }
    const deliveries = await dataSource.query<{ organisation_id: string; matched_rule: string }[]>(
      `SELECT organisation_id, matched_rule FROM "${schema.schema}".delivery WHERE alert_id = $1`,
      [first.alertId],
    );
    expect(new Map(deliveries.map((d) => [d.organisation_id, d.matched_rule]))).toEqual(
      new Map([
        [outreach.id, 'role=ngo & borough=E09000007 & specialism∈outreach'],
        [labour.id, 'role=ngo & borough=E09000007 & specialism∈labour'],
        [planner.id, 'organisation=named'],
      ]),
    );
    // Nobody else: no specialism offered, another borough, another kind.
    for (const bystander of [childrenNgo, croydonOutreach, camdenMpu, otherPolice]) {
      expect(
        (await inbox.messagesTo(bystander.email)).filter(about(first.alertId, bystander.email)),
      ).toEqual([]);
    }

    // A partner acknowledges through the API with what it can offer.
    const acknowledged = await fetch(`${baseUrl}/v1/alerts/${first.alertId}/acknowledgements`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await labour.key('respond')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ response: RESPONSE }),
    });
    expect(acknowledged.status).toBe(201);
    // Stored encrypted: the table holds no word of it; the view below still shows it.
    const stored = await dataSource.query<{ response: string | null; sealed: string | null }[]>(
      `SELECT response, response_encrypted AS sealed FROM "${schema.schema}".acknowledgement
        WHERE alert_id = $1`,
      [first.alertId],
    );
    expect(stored).toEqual([{ response: null, sealed: expect.any(String) as unknown }]);
    for (const word of RESPONSE.split(/\W+/).filter((w) => w.length > 3)) {
      expect(stored[0]?.sealed).not.toContain(word);
    }

    // A later stage, then a regrade that replaces the first alert.
    const stage: AlertStageReleased = {
      alertId: first.alertId,
      disclosure: { level: 'operational' },
      summary: {
        title: 'Address and time',
        lines: [{ label: 'Address', value: '12 Example Road' }],
      },
      releasedAt: new Date().toISOString(),
      reason: 'lead time reached',
    };
    const second = operationAlert(operationId, first.alertId);
    await events.consumedPast(
      await events.publish(first.alertId, released(stage), requested(second)),
    );
    await expectEventually(async () => {
      const pending = await dataSource.query<unknown[]>(
        `SELECT 1 FROM "${schema.schema}".delivery WHERE alert_id = ANY($1::uuid[]) AND status <> 'sent'`,
        [[first.alertId, second.alertId]],
      );
      expect(pending).toEqual([]);
    });

    const response = await causeAlerts('operation', operationId, await planner.key('submit'));
    expect(response.status).toBe(200);
    const view = (await response.json()) as CauseAlertsView;
    const sent = {
      purpose: 'alert',
      channel: 'email',
      status: 'sent',
      deliveredAt: expect.stringMatching(ISO) as unknown,
    };
    const recipient = (partner: Partner, rule: string) => ({
      organisation: {
        id: partner.id,
        name: expect.any(String) as unknown,
        kind: expect.any(String) as unknown,
      },
      rule,
      deliveries: [sent],
    });
    expect(view).toEqual({
      cause: { kind: 'operation', id: operationId },
      alerts: [
        {
          alertId: second.alertId,
          title: 'Planned operation — Camden — victim-first handling',
          severity: 'high',
          disclosureLevel: 'notice',
          state: 'open',
          requestedAt: new Date(second.requestedAt).toISOString(),
          supersedes: first.alertId,
          stagesReleased: [],
          recipients: expect.any(Array) as unknown,
        },
        {
          alertId: first.alertId,
          title: 'Planned operation — Camden — victim-first handling',
          severity: 'high',
          disclosureLevel: 'notice',
          state: 'superseded',
          requestedAt: new Date(first.requestedAt).toISOString(),
          stagesReleased: [
            { level: 'operational', releasedAt: new Date(stage.releasedAt).toISOString() },
          ],
          recipients: [
            {
              ...recipient(labour, 'role=ngo & borough=E09000007 & specialism∈labour'),
              acknowledgedAt: expect.stringMatching(ISO) as unknown,
              response: RESPONSE,
            },
            recipient(outreach, 'role=ngo & borough=E09000007 & specialism∈outreach'),
            recipient(planner, 'organisation=named'),
          ],
        },
      ],
    });
    // Those the roles selected by name, then the one named.
    for (const alert of view.alerts) {
      expect(alert.recipients.map((r) => r.organisation.id)).toEqual([
        labour.id,
        outreach.id,
        planner.id,
      ]);
    }
    expect(view.alerts[1]?.recipients).toHaveLength(3);
    expect(view.alerts[1]?.recipients.find((r) => r.organisation.id === labour.id)).toMatchObject({
      organisation: { name: `Camden Labour Advice ${run}`, kind: 'ngo' },
    });
    // The title only: the summary lines and released stages' content never go out.
    const text = JSON.stringify(view);
    expect(text).not.toContain('6 adults');
    expect(text).not.toContain('12 Example Road');

    // Coordinators read it too; another organisation, even one the alerts reached, does not.
    const coordinatorView = await causeAlerts('operation', operationId, coordinatorAdminKey);
    expect(coordinatorView.status).toBe(200);
    expect(await coordinatorView.json()).toEqual(view);
    for (const key of [await otherPolice.key('read'), await labour.key('read')]) {
      const refused = await causeAlerts('operation', operationId, key);
      expect(refused.status).toBe(404);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
    }
    // The planner's read key reads; a cause with no alerts is as unknown as another's.
    expect((await causeAlerts('operation', operationId, await planner.key('read'))).status).toBe(
      200,
    );
    expect((await causeAlerts('missing_episode', operationId, coordinatorAdminKey)).status).toBe(
      404,
    );
    expect((await causeAlerts('operation', randomUUID(), coordinatorAdminKey)).status).toBe(404);

    // Each answered read carried a partner's free text: three reads (the planner's submit key,
    // the coordinator, the planner's read key), each in the audit chain by its organisation —
    // the field's name, never the text. Refused reads recorded nothing.
    const reads = await dataSource.query<{ actor: { organisationId: string }; details: unknown }[]>(
      `SELECT actor, details FROM "${schema.schema}".audit_log
        WHERE action = 'personal_data.read' AND resource_kind = 'operation' AND resource_id = $1
        ORDER BY seq`,
      [operationId],
    );
    expect(reads.map((r) => r.actor.organisationId).sort()).toEqual(
      [planner.id, planner.id, coordinatorOrganisationId].sort(),
    );
    expect(
      reads.every((r) => JSON.stringify(r.details) === '{"fields":["recipients.response"]}'),
    ).toBe(true);
    expect(JSON.stringify(reads)).not.toContain(RESPONSE);
  });

  it('refuses an unknown cause kind or an id that is not a UUID', async () => {
    const bad = await causeAlerts('festival', 'not-a-uuid', coordinatorAdminKey);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      status: 400,
      errors: [
        { pointer: 'path:kind', detail: expect.stringContaining('operation') as unknown },
        { pointer: 'path:id', detail: 'must be a UUID' },
      ],
    });
  });
});
