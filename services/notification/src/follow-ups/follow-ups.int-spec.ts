import { randomUUID } from 'node:crypto';
import type { AlertRequested, AlertStageReleased, OrganisationKind } from '@harbour/contracts';
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
import {
  addOrganisationWithEmail,
  deleteQueueKeys,
  NO_RELAY,
  notificationTestOutbox,
  type PublishedPosition,
  startTestEventTopic,
  type TestEventTopic,
  testDeliveryConfig,
  testWebhookSecrets,
} from '../test-support/notification-test-harness';
import { openNotificationTestDatabase } from '../test-support/notification-test-database';
import { ALERT_STAGE_RELEASED } from './stage-released-handler';

jest.setTimeout(120_000);

const CAMDEN = 'E09000007';

interface FollowUpRow {
  organisation_id: string;
  stage: string;
  status: string;
  matched_rule: string;
}

/**
 * The notification consumer's two alert handlers on a topic of this test's own (so no other
 * suite reads these events), real Postgres, Redis, Kafka and SMTP.
 */
describe('follow-ups: a released disclosure stage reaches the recipients cleared for it', () => {
  const logger = createLogger({ service: 'notification-test', level: 'silent' });
  const inbox = new SmtpInbox();
  const run = uniqueName('fu');
  const queuePrefix = uniqueName('nqf');
  const ngoDuty = `ngo.duty.${run}@test.harbour.localhost`;
  const housingDesk = `housing.desk.${run}@test.harbour.localhost`;
  const policeBoroughDesk = `police.borough.${run}@test.harbour.localhost`;
  const policeSpecialistDesk = `police.specialist.${run}@test.harbour.localhost`;
  const mpuDesk = `mpu.${run}@test.harbour.localhost`;
  const localAuthorityDesk = `children.services.${run}@test.harbour.localhost`;

  let schema: TestSchema;
  let dataSource: DataSource;
  let pipeline: DeliveryPipeline;
  let events: TestEventTopic;
  let ngoId: string;
  let housingId: string;
  const ids: Record<string, string> = {};
  const kafka = createKafka({ brokers: testKafkaBrokers(), clientId: 'follow-ups-test', logger });

  beforeAll(async () => {
    ({ schema, dataSource } = await openNotificationTestDatabase('notification_follow_ups', 8));
    const directory = new DirectoryRepository(dataSource);
    const organisation = (name: string, kind: OrganisationKind, email: string) =>
      addOrganisationWithEmail(directory, {
        name: `${name} ${run}`,
        kind,
        boroughs: [CAMDEN],
        email,
      });
    ngoId = await organisation('Camden NGO', 'ngo', ngoDuty);
    housingId = await organisation('Camden Safe Houses', 'housing_provider', housingDesk);
    ids[policeBoroughDesk] = await organisation(
      'Camden Police',
      'police_borough',
      policeBoroughDesk,
    );
    ids[policeSpecialistDesk] = await organisation(
      'Modern Slavery Unit',
      'police_specialist',
      policeSpecialistDesk,
    );
    ids[mpuDesk] = await organisation('Camden MPU', 'missing_person_unit', mpuDesk);
    ids[localAuthorityDesk] = await organisation(
      'Camden Childrens Services',
      'local_authority',
      localAuthorityDesk,
    );

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
      outbox: notificationTestOutbox(schema),
      relay: NO_RELAY,
      webhookSecrets: testWebhookSecrets(dataSource),
      logger,
    });

    // Retries are short, so a stage of an unknown alert reaches the dead-letter topic quickly.
    events = await startTestEventTopic(kafka, 'follow-ups', {
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
  });

  afterAll(async () => {
    await events.stop();
    await pipeline.stop();
    pipeline.disconnect();
    await dataSource.destroy();
    await schema.drop();
    await deleteQueueKeys(queuePrefix);
  });

  function alertRequest(): AlertRequested {
    return {
      alertId: randomUUID(),
      cause: { kind: 'operation', id: randomUUID(), eventId: randomUUID() },
      severity: 'high',
      acknowledgeWithinMinutes: 60,
      audience: { roles: ['ngo', 'housing_provider'], boroughs: [CAMDEN] },
      disclosure: { level: 'notice' },
      summary: {
        title: 'Planned operation — Camden',
        lines: [
          { label: 'Expected people', value: '6 adults' },
          { label: 'Needs', value: 'Albanian interpreter, 6 beds' },
        ],
      },
      requestedAt: new Date().toISOString(),
    };
  }

  function operationalStage(alertId: string): AlertStageReleased {
    return {
      alertId,
      disclosure: { level: 'operational' },
      summary: {
        title: 'Planned operation — Camden: address and time',
        lines: [
          { label: 'Address', value: '12 Example Road, London NW1' },
          { label: 'Start', value: 'tomorrow 06:00' },
        ],
      },
      releasedAt: new Date().toISOString(),
      reason: 'lead time before the operation reached',
    };
  }

  const requestedEvent = (alert: AlertRequested): HarbourEvent =>
    createEvent({
      type: ALERT_REQUESTED,
      source: '/harbour/safeguarding',
      subject: alert.alertId,
      data: alert,
    });
  const stageEvent = (stage: AlertStageReleased): HarbourEvent =>
    createEvent({
      type: ALERT_STAGE_RELEASED,
      source: '/harbour/safeguarding',
      subject: stage.alertId,
      data: stage,
    });

  const publish = (alertId: string, ...published: HarbourEvent[]) =>
    events.publish(alertId, ...published);
  const consumedPast = (position: PublishedPosition) => events.consumedPast(position);

  const about =
    (alertId: string, to: string) =>
    (m: InboxMessage): boolean =>
      m.to.some((t) => t.address === to) && (m.text ?? '').includes(alertId);
  const isUpdate = (m: InboxMessage): boolean => m.subject.startsWith('[UPDATE]');

  async function mailsTo(to: string, alertId: string): Promise<InboxMessage[]> {
    return (await inbox.messagesTo(to)).filter(about(alertId, to));
  }

  async function followUpsOf(alertId: string): Promise<FollowUpRow[]> {
    return dataSource.query<FollowUpRow[]>(
      `SELECT organisation_id, stage, status, matched_rule FROM "${schema.schema}".delivery
        WHERE alert_id = $1 AND purpose = 'follow_up' ORDER BY created_at`,
      [alertId],
    );
  }

  async function originalsSent(alert: AlertRequested): Promise<void> {
    for (const to of [ngoDuty, housingDesk]) {
      await inbox.waitFor(about(alert.alertId, to), {
        timeoutMs: 60_000,
        description: `the alert e-mail to ${to}`,
      });
    }
  }

  it('e-mails the NGO an [UPDATE] with the released lines, the housing provider nothing, once', async () => {
    const alert = alertRequest();
    await publish(alert.alertId, requestedEvent(alert));
    await originalsSent(alert);

    const stage = operationalStage(alert.alertId);
    const first = stageEvent(stage);
    // A redelivery (same CloudEvents id) and a second release of the same stage (new id).
    const position = await publish(alert.alertId, first, first, stageEvent(stage));

    const update = await inbox.waitFor((m) => about(alert.alertId, ngoDuty)(m) && isUpdate(m), {
      timeoutMs: 60_000,
      description: 'the update e-mail to the NGO',
    });
    expect(update.subject).toBe(
      '[UPDATE] [HIGH] Planned operation — Camden: address and time — operational details released',
    );
    expect(update.text?.split('\n')[0]).toMatch(
      new RegExp(`^UPDATE to alert ${alert.alertId}: operational details released at .+\\.$`),
    );
    // An e-mail carries a notice at most: the released title, and the lines stay behind a link.
    expect(update.text).toContain('Details: the operational details are not sent by e-mail');
    expect(update.text).not.toContain('12 Example Road');
    expect(update.text).not.toContain('tomorrow 06:00');
    // Nor are the original notice's lines repeated.
    expect(update.text).not.toContain('Albanian interpreter');

    await consumedPast(position);
    await expectEventually(async () => {
      const rows = await followUpsOf(alert.alertId);
      expect(
        rows.map(({ organisation_id, stage, status }) => [organisation_id, stage, status]),
      ).toEqual([[ngoId, 'operational', 'sent']]);
      expect(rows[0]?.matched_rule).toMatch(/^stage=operational & role=ngo/);
    });
    expect((await mailsTo(ngoDuty, alert.alertId)).filter(isUpdate)).toHaveLength(1);
    // The housing provider has the notice and nothing more.
    const housing = await mailsTo(housingDesk, alert.alertId);
    expect(housing).toHaveLength(1);
    expect(housing.some(isUpdate)).toBe(false);
    expect(housing.map((m) => m.text).join('\n')).not.toContain('12 Example Road');
    const recipients = await dataSource.query<{ organisation_id: string }[]>(
      `SELECT organisation_id FROM "${schema.schema}".delivery WHERE alert_id = $1 AND purpose = 'alert'`,
      [alert.alertId],
    );
    expect(recipients.map((r) => r.organisation_id).sort()).toEqual([ngoId, housingId].sort());
  });

  it('sends no follow-up for a closed alert', async () => {
    const alert = alertRequest();
    await consumedPast(await publish(alert.alertId, requestedEvent(alert)));
    await dataSource.query(
      `UPDATE "${schema.schema}".alert SET state = 'closed', closed_at = now() WHERE id = $1`,
      [alert.alertId],
    );
    await consumedPast(await publish(alert.alertId, stageEvent(operationalStage(alert.alertId))));
    expect(await followUpsOf(alert.alertId)).toEqual([]);
    const stages = await dataSource.query<unknown[]>(
      `SELECT 1 FROM "${schema.schema}".alert_stage WHERE alert_id = $1`,
      [alert.alertId],
    );
    expect(stages).toEqual([]);
  });

  it('retries a stage of an unknown alert, dead-letters it, and delivers it when replayed after the alert', async () => {
    const alert = alertRequest();
    const early = stageEvent(operationalStage(alert.alertId));
    await publish(alert.alertId, early);

    const dlqTopic = dlqTopicOf(events.topic);
    const deadLetter = await expectEventually(
      async () => {
        const entry = (await readDlq(kafka, dlqTopic)).find((e) => e.eventId === early.id);
        if (entry === undefined) throw new Error('not dead-lettered yet');
        return entry;
      },
      { timeoutMs: 60_000, description: 'the early stage on the dead-letter topic' },
    );
    expect(deadLetter.reason).toBe('handler-failed');
    expect(deadLetter.error).toContain('AlertNotYetKnownError');
    expect(await followUpsOf(alert.alertId)).toEqual([]);

    await publish(alert.alertId, requestedEvent(alert));
    await originalsSent(alert);
    expect(
      await replayDlq(kafka, dlqTopic, {
        offsets: [{ partition: deadLetter.partition, offset: deadLetter.offset }],
      }),
    ).toBe(1);

    const update = await inbox.waitFor((m) => about(alert.alertId, ngoDuty)(m) && isUpdate(m), {
      timeoutMs: 60_000,
      description: 'the replayed update e-mail to the NGO',
    });
    expect(update.subject).toMatch(/operational details released$/);
    expect(update.text).not.toContain('12 Example Road');
    await expectEventually(async () => {
      expect((await followUpsOf(alert.alertId)).map((f) => f.organisation_id)).toEqual([ngoId]);
    });
  });

  it('sends a personal stage released for police roles to the police and the missing-person unit only, and a later unrestricted one to everyone cleared', async () => {
    const alert: AlertRequested = {
      ...alertRequest(),
      severity: 'critical',
      audience: {
        roles: [
          'police_borough',
          'police_specialist',
          'missing_person_unit',
          'local_authority',
          'ngo',
        ],
        boroughs: [CAMDEN],
      },
      summary: { title: 'Missing child — Camden', lines: [{ label: 'Age', value: '15' }] },
    };
    const everyone = [
      policeBoroughDesk,
      policeSpecialistDesk,
      mpuDesk,
      localAuthorityDesk,
      ngoDuty,
    ];
    await publish(alert.alertId, requestedEvent(alert));
    for (const to of everyone) {
      await inbox.waitFor(about(alert.alertId, to), { description: `the alert e-mail to ${to}` });
    }

    const philomena: AlertStageReleased = {
      alertId: alert.alertId,
      disclosure: { level: 'personal' },
      summary: {
        title: 'Philomena profile — police only',
        lines: [{ label: 'Description', value: 'Slim, 1.6 m, red backpack' }],
      },
      releasedAt: new Date().toISOString(),
      reason: 'Philomena profile: police recipients only',
      roles: ['police_borough', 'police_specialist', 'missing_person_unit'],
    };
    const note: AlertStageReleased = {
      alertId: alert.alertId,
      disclosure: { level: 'personal' },
      summary: {
        title: 'Sighting note',
        lines: [{ label: 'Note', value: 'Seen with an older man near the station' }],
      },
      releasedAt: new Date(Date.now() + 1000).toISOString(),
      reason: 'sighting reported',
    };
    await consumedPast(await publish(alert.alertId, stageEvent(philomena), stageEvent(note)));

    const police = [policeBoroughDesk, policeSpecialistDesk, mpuDesk];
    await expectEventually(
      async () => {
        const rows = await followUpsOf(alert.alertId);
        expect(rows.map((r) => r.status)).toEqual(Array<string>(7).fill('sent'));
      },
      { timeoutMs: 60_000, description: 'the follow-ups sent' },
    );
    // The profile's follow-ups say why they went where they went.
    const rows = await followUpsOf(alert.alertId);
    const profile = rows.filter((r) => r.matched_rule.startsWith('stage=personal & roles='));
    expect(new Set(profile.map((r) => r.organisation_id))).toEqual(
      new Set(police.map((to) => ids[to])),
    );
    for (const row of profile) {
      expect(row.matched_rule).toMatch(
        /^stage=personal & roles=police_borough,police_specialist,missing_person_unit & role=/,
      );
    }

    const updatesTo = async (to: string) =>
      (await mailsTo(to, alert.alertId))
        .filter(isUpdate)
        .map((m) => m.subject)
        .sort();
    for (const to of police) {
      expect(await updatesTo(to)).toEqual([
        '[UPDATE] [CRITICAL] Philomena profile — police only — Camden — personal details released',
        '[UPDATE] [CRITICAL] Sighting note — Camden — personal details released',
      ]);
    }
    // The local authority is cleared for personal details but not named by the profile's roles.
    expect(await updatesTo(localAuthorityDesk)).toEqual([
      '[UPDATE] [CRITICAL] Sighting note — Camden — personal details released',
    ]);
    // The NGO is cleared for neither.
    expect(await updatesTo(ngoDuty)).toEqual([]);
    const notPolice = [localAuthorityDesk, ngoDuty];
    for (const to of notPolice) {
      const everything = (await mailsTo(to, alert.alertId)).map((m) => m.text).join('\n');
      expect(everything).not.toContain('red backpack');
    }
  });
});
