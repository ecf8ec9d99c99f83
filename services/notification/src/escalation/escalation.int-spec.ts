import { randomUUID } from 'node:crypto';
import type { AlertRequested, OrganisationKind } from '@harbour/contracts';
import type { Outbox } from '@harbour/messaging';
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
import type { DataSource } from 'typeorm';
import { AlertRepository } from '../alerts/alert-repository';
import { type DeliveryPipeline, startDeliveryPipeline } from '../delivery/delivery-pipeline';
import { DeliveryRepository } from '../delivery/delivery-repository';
import { DirectoryRepository } from '../directory/directory-repository';
import { escalationQueueName } from './escalation-jobs';
import { EscalationTargets } from './escalation-targets';
import { EscalationTimers } from './escalation-timers';
import { FireEscalation } from './fire-escalation';
import type { Escalation } from './start-escalation';
import {
  NO_RELAY,
  notificationTestOutbox,
  startTestEscalation,
  testDeliveryConfig,
  testWebhookSecrets,
} from '../test-support/notification-test-harness';
import { openNotificationTestDatabase } from '../test-support/notification-test-database';

jest.setTimeout(90_000);

const CAMDEN = 'E09000007';
/** A policy minute lasts half a second here. */
const MINUTE_MS = 500;

interface EscalationRow {
  address: string;
  escalation_level: number;
  escalation_loop: number;
  status: string;
}

describe('escalation: nobody acknowledges → the next level is alerted', () => {
  const logger = createLogger({ service: 'notification-test', level: 'silent' });
  const inbox = new SmtpInbox();
  const run = uniqueName('esc');
  const queuePrefix = uniqueName('nqe');
  const deliveryQueueName = uniqueName('delivery');
  const address = (who: string): string => `${who}.${run}@test.harbour.localhost`;
  const camdenDuty = address('camden.duty');
  const camdenOutOfHours = address('camden.ooh');
  const coordinatorDesk = address('coordinator');
  const policeSpecialist = address('police.specialist');

  let schema: TestSchema;
  let dataSource: DataSource;
  let directory: DirectoryRepository;
  let outbox: Outbox;
  let pipeline: DeliveryPipeline;
  let camdenMpu: { id: string; dutyContactId: string };
  const escalations: Escalation[] = [];

  beforeAll(async () => {
    ({ schema, dataSource } = await openNotificationTestDatabase('notification_escalation', 8));
    directory = new DirectoryRepository(dataSource);
    outbox = notificationTestOutbox(schema);

    const organisation = async (name: string, kind: OrganisationKind, boroughs: string[]) =>
      (
        await directory.addOrganisation({
          id: randomUUID(),
          name: `${name} ${run}`,
          kind,
          boroughs,
        })
      ).value.id;
    const contact = async (organisationId: string, email: string, outOfHours = false) => {
      const { id } = (
        await directory.addContact({ organisationId, channel: 'email', address: email })
      ).value;
      // Set in SQL: the out-of-hours flag is the directory's, however its API names it.
      await dataSource.query(
        `UPDATE "${schema.schema}".contact SET out_of_hours = $2 WHERE id = $1`,
        [id, outOfHours],
      );
      return id;
    };
    const camdenId = await organisation('Camden MPU', 'missing_person_unit', [CAMDEN]);
    camdenMpu = { id: camdenId, dutyContactId: await contact(camdenId, camdenDuty) };
    await contact(camdenId, camdenOutOfHours, true);
    await contact(
      await organisation('Coordinator', 'coordinator', ['pan_london']),
      coordinatorDesk,
    );
    await contact(
      await organisation('Modern Slavery Unit', 'police_specialist', ['pan_london']),
      policeSpecialist,
    );

    pipeline = await startDeliveryPipeline({
      config: testDeliveryConfig({
        NOTIFICATION_QUEUE_NAME: deliveryQueueName,
        NOTIFICATION_QUEUE_PREFIX: queuePrefix,
      }),
      dataSource,
      alerts: new AlertRepository(dataSource),
      deliveries: new DeliveryRepository(dataSource),
      outbox,
      relay: NO_RELAY,
      webhookSecrets: testWebhookSecrets(dataSource),
      logger,
    });
  });

  afterAll(async () => {
    await stopEscalations();
    await pipeline.stop();
    pipeline.disconnect();
    await dataSource.destroy();
    await schema.drop();
  });

  async function startEscalationService(): Promise<Escalation> {
    const escalation = await startTestEscalation({
      dataSource,
      directory,
      outbox,
      dispatcher: pipeline.dispatcher,
      logger,
      queuePrefix,
      deliveryQueueName,
      minuteMs: MINUTE_MS,
    });
    escalations.push(escalation);
    return escalation;
  }

  /** Stops every escalation service, as a crash would stop its timers: mid-wait. */
  async function stopEscalations(): Promise<void> {
    for (const escalation of escalations.splice(0)) await escalation.close();
  }

  function alertRequest(overrides: Partial<AlertRequested> = {}): AlertRequested {
    return {
      alertId: randomUUID(),
      cause: { kind: 'missing_episode', id: randomUUID(), eventId: randomUUID() },
      severity: 'critical',
      // 4 policy minutes: 2 s here.
      acknowledgeWithinMinutes: 4,
      audience: { roles: ['missing_person_unit'], boroughs: [CAMDEN] },
      disclosure: { level: 'notice' },
      summary: {
        title: 'Missing child — trafficking marker',
        lines: [{ label: 'Police risk grade', value: 'high' }],
      },
      requestedAt: new Date().toISOString(),
      ...overrides,
    };
  }

  /**
   * What the alert handler does: records the alert, its delivery to Camden's duty inbox, and its
   * escalation — in one transaction.
   */
  async function recordAlert(
    timers: EscalationTimers,
    overrides: Partial<AlertRequested> = {},
  ): Promise<AlertRequested> {
    const alert = alertRequest(overrides);
    await dataSource.transaction(async (manager) => {
      await new AlertRepository(dataSource).record(alert, manager);
      const deliveryId = randomUUID();
      await manager.query(
        `INSERT INTO "${schema.schema}".delivery
           (id, alert_id, organisation_id, contact_id, channel, address, status, message_id, matched_rule)
         VALUES ($1, $2, $3, $4, 'email', $5, 'pending', $6, 'role=missing_person_unit & borough=${CAMDEN}')`,
        [
          deliveryId,
          alert.alertId,
          camdenMpu.id,
          camdenMpu.dutyContactId,
          camdenDuty,
          `<${deliveryId}@harbour.localhost>`,
        ],
      );
      await timers.planAndSchedule(manager, alert);
    });
    await pipeline.dispatcher.kick();
    return alert;
  }

  async function escalationDeliveries(alertId: string): Promise<EscalationRow[]> {
    return dataSource.query<EscalationRow[]>(
      `SELECT address, escalation_level, escalation_loop, status
         FROM "${schema.schema}".delivery
        WHERE alert_id = $1 AND purpose = 'escalation'
        ORDER BY escalation_loop, escalation_level, address`,
      [alertId],
    );
  }

  async function escalatedEvents(alertId: string): Promise<Record<string, unknown>[]> {
    const rows = await dataSource.query<{ data: Record<string, unknown> }[]>(
      `SELECT data FROM "${schema.schema}".outbox
        WHERE key = $1 AND type = 'harbour.alert.escalated' ORDER BY created_at`,
      [alertId],
    );
    return rows.map((row) => row.data);
  }

  async function mailsAbout(alertId: string, to: string) {
    return (await inbox.messagesTo(to)).filter((m) => (m.text ?? '').includes(alertId));
  }

  /** Settles an alert as the acknowledgement code will, so its timers end. */
  async function settle(alertId: string, state: 'acknowledged' | 'closed'): Promise<void> {
    await dataSource.query(
      `UPDATE "${schema.schema}".alert SET state = $2,
              acknowledged_at = CASE WHEN $2 = 'acknowledged' THEN now() END,
              closed_at = CASE WHEN $2 = 'closed' THEN now() END
        WHERE id = $1`,
      [alertId, state],
    );
  }

  it('e-mails the out-of-hours contact and the coordinator at the acknowledge-by time, and records harbour.alert.escalated', async () => {
    const escalation = await startEscalationService();
    const alert = await recordAlert(escalation.timers);
    const requestedAt = Date.parse(alert.requestedAt);

    const escalationMail = await inbox.waitFor(
      (m) =>
        m.to.some((t) => t.address === camdenOutOfHours) && (m.text ?? '').includes(alert.alertId),
      { description: 'the escalation e-mail to the out-of-hours contact' },
    );
    // Fired not before the acknowledge-by time (4 policy minutes), and not much after it.
    const [first] = await escalation.timers.ofAlert(alert.alertId);
    const firedAfterMs = first!.firedAt!.getTime() - requestedAt;
    expect(firedAfterMs).toBeGreaterThanOrEqual(4 * MINUTE_MS);
    expect(firedAfterMs).toBeLessThan(4 * MINUTE_MS + 1500);
    // The inbox stamps whole seconds.
    expect(Date.parse(escalationMail.time)).toBeGreaterThanOrEqual(
      requestedAt + 4 * MINUTE_MS - 1000,
    );
    await expectEventually(async () => {
      expect(await mailsAbout(alert.alertId, coordinatorDesk)).toHaveLength(1);
    });

    await expectEventually(async () => {
      expect(await escalationDeliveries(alert.alertId)).toEqual(
        [
          { address: camdenOutOfHours, escalation_level: 1, escalation_loop: 0, status: 'sent' },
          { address: coordinatorDesk, escalation_level: 1, escalation_loop: 0, status: 'sent' },
        ].sort((a, b) => a.address.localeCompare(b.address)),
      );
    });
    expect(await escalatedEvents(alert.alertId)).toEqual([
      expect.objectContaining({
        alertId: alert.alertId,
        level: 1,
        round: 0,
        audience: { roles: ['missing_person_unit', 'coordinator'], boroughs: ['pan_london'] },
      }),
    ]);
    // The duty inbox had the alert itself, and nothing more; level 2 waits its 15 minutes.
    expect(await mailsAbout(alert.alertId, camdenDuty)).toHaveLength(1);
    expect(await mailsAbout(alert.alertId, policeSpecialist)).toHaveLength(0);
    const timers = await escalation.timers.ofAlert(alert.alertId);
    expect(timers.map((t) => [t.level, t.loop, t.state])).toEqual([
      [0, 0, 'fired'],
      [1, 0, 'pending'],
    ]);
    expect(timers[1]!.dueAt.getTime() - timers[0]!.firedAt!.getTime()).toBeGreaterThanOrEqual(
      15 * MINUTE_MS - 1,
    );
    await settle(alert.alertId, 'closed');
  });

  it('sends nothing once a human acknowledged: the timer fires into cancelled', async () => {
    const escalation = escalations[0] ?? (await startEscalationService());
    const alert = await recordAlert(escalation.timers);
    await settle(alert.alertId, 'acknowledged');

    await expectEventually(
      async () => {
        const [timer] = await escalation.timers.ofAlert(alert.alertId);
        expect(timer?.state).toBe('cancelled');
      },
      { timeoutMs: 10_000, description: 'the timer to fire into cancelled' },
    );
    expect(await escalationDeliveries(alert.alertId)).toEqual([]);
    expect(await escalatedEvents(alert.alertId)).toEqual([]);
    expect(await escalation.timers.ofAlert(alert.alertId)).toHaveLength(1);
    // The alert itself went out; no escalation e-mail did.
    await expectEventually(async () => {
      expect(await mailsAbout(alert.alertId, camdenDuty)).toHaveLength(1);
    });
    expect(await mailsAbout(alert.alertId, camdenOutOfHours)).toHaveLength(0);
    expect(await mailsAbout(alert.alertId, coordinatorDesk)).toHaveLength(0);
  });

  it("follows the alert's own policy, repeats it, and escalates to the coordinator when a level reaches nobody", async () => {
    const escalation = escalations[0] ?? (await startEscalationService());
    const alert = await recordAlert(escalation.timers, {
      // No housing provider serves Camden: each round goes to the coordinator instead.
      escalationPolicy: {
        levels: [{ afterMinutes: 2, roles: ['housing_provider'], boroughs: [CAMDEN] }],
        repeat: 1,
      },
    });

    await expectEventually(
      async () => {
        expect(await mailsAbout(alert.alertId, coordinatorDesk)).toHaveLength(2);
      },
      { timeoutMs: 15_000, description: 'two rounds of escalation to the coordinator' },
    );
    // The inbox has the mail a moment before the row is marked sent.
    await expectEventually(async () => {
      expect(await escalationDeliveries(alert.alertId)).toEqual([
        { address: coordinatorDesk, escalation_level: 1, escalation_loop: 0, status: 'sent' },
        { address: coordinatorDesk, escalation_level: 1, escalation_loop: 1, status: 'sent' },
      ]);
    });
    expect((await escalatedEvents(alert.alertId)).map((e) => [e['round'], e['audience']])).toEqual([
      [0, { roles: ['coordinator'], boroughs: ['pan_london'] }],
      [1, { roles: ['coordinator'], boroughs: ['pan_london'] }],
    ]);
    // The policy is exhausted: no timer is left pending.
    const timers = await escalation.timers.ofAlert(alert.alertId);
    expect(timers.map((t) => t.state)).toEqual(['fired', 'fired']);
    expect(await mailsAbout(alert.alertId, camdenOutOfHours)).toHaveLength(0);
  });

  it('escalates once and on time after the service was killed mid-wait and its job lost', async () => {
    const before = escalations[0] ?? (await startEscalationService());
    const waiting = await recordAlert(before.timers, { acknowledgeWithinMinutes: 8 });
    await before.kick();
    const [timer] = await before.timers.ofAlert(waiting.alertId);
    expect(timer?.enqueuedAt).not.toBeNull();
    await stopEscalations();
    // Redis lost the delayed job as well.
    const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const queue = new Queue(escalationQueueName(deliveryQueueName), {
      connection: redis,
      prefix: queuePrefix,
    });
    await queue.remove(timer!.id);
    expect(await queue.getJobState(timer!.id)).toBe('unknown');
    // And an alert committed while the service was down (crash between commit and enqueue).
    const unarmed = await recordAlert(new EscalationTimers(dataSource, { minuteMs: MINUTE_MS }), {
      acknowledgeWithinMinutes: 6,
    });

    const after = await startEscalationService();
    for (const alert of [waiting, unarmed]) {
      await expectEventually(
        async () => {
          expect(await mailsAbout(alert.alertId, camdenOutOfHours)).toHaveLength(1);
          expect(await mailsAbout(alert.alertId, coordinatorDesk)).toHaveLength(1);
        },
        { timeoutMs: 15_000, description: 'the escalation after the restart' },
      );
      const [fired] = await after.timers.ofAlert(alert.alertId);
      expect(fired?.state).toBe('fired');
      // On time: by the re-armed job, not seconds late.
      expect(fired!.firedAt!.getTime() - fired!.dueAt.getTime()).toBeLessThan(700);
      expect(await escalationDeliveries(alert.alertId)).toHaveLength(2);
      expect(await escalatedEvents(alert.alertId)).toHaveLength(1);
      await settle(alert.alertId, 'closed');
    }
    await queue.close();
    redis.disconnect();
  });

  it('escalates once when two workers fire the same timer at the same moment', async () => {
    await stopEscalations();
    const timers = new EscalationTimers(dataSource, { minuteMs: MINUTE_MS });
    // Requested long ago: its first level is overdue.
    const alert = await recordAlert(timers, {
      requestedAt: new Date(Date.now() - 60_000).toISOString(),
    });
    const [timer] = await timers.ofAlert(alert.alertId);
    const worker = () =>
      new FireEscalation({
        dataSource,
        timers,
        targets: new EscalationTargets(dataSource, directory),
        outbox,
        relay: NO_RELAY,
        dispatcher: pipeline.dispatcher,
        armTimers: NO_RELAY,
        logger,
        clock: { minuteMs: MINUTE_MS },
      });
    const outcomes = await Promise.all([worker().execute(timer!.id), worker().execute(timer!.id)]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(['escalated', 'not-pending']);
    expect(await escalationDeliveries(alert.alertId)).toHaveLength(2);
    expect(await escalatedEvents(alert.alertId)).toHaveLength(1);
    await expectEventually(async () => {
      expect(await mailsAbout(alert.alertId, camdenOutOfHours)).toHaveLength(1);
      expect(await mailsAbout(alert.alertId, coordinatorDesk)).toHaveLength(1);
    });
    // A third attempt (a late sweep) finds nothing to fire.
    expect((await worker().execute(timer!.id)).kind).toBe('not-pending');
    await settle(alert.alertId, 'closed');
  });
});
