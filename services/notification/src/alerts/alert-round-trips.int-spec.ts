import { randomUUID } from 'node:crypto';
import type { AlertRequested, AlertStageReleased } from '@harbour/contracts';
import { createEvent } from '@harbour/messaging';
import { createLogger } from '@harbour/platform';
import { expectEventually, type TestSchema } from '@harbour/testing';
import type { DataSource } from 'typeorm';
import { DeliveryRepository } from '../delivery/delivery-repository';
import { DirectoryRepository } from '../directory/directory-repository';
import { EscalationTimers } from '../escalation/escalation-timers';
import { openNotificationTestDatabase } from '../test-support/notification-test-database';
import { statementsDuring } from '../test-support/statements-during';
import { alertEventHandlers } from './alert-event-handlers';
import { AlertRepository } from './alert-repository';

jest.setTimeout(60_000);

const CAMDEN = 'E09000007';
const CROYDON = 'E09000008';
const HACKNEY = 'E09000012';

/**
 * How many round trips the consumer's transaction costs per alert event, inside the transaction
 * the consumer opens with its inbox row (one more statement, not counted here). Every alert
 * requested pays them while a partition waits behind it, so a statement added here is paid at
 * every alert under load (docs/performance.md): keep the counts from growing.
 */
describe('the round trips of an alert event', () => {
  const logger = createLogger({ service: 'alert-round-trips-test', level: 'silent' });
  let schema: TestSchema;
  let dataSource: DataSource;
  let directory: DirectoryRepository;
  let alerts: AlertRepository;
  let deliveries: DeliveryRepository;
  let timers: EscalationTimers;
  let handlers: ReturnType<typeof alertEventHandlers>;
  let police: string;
  let unit: string;
  let namedNgo: string;
  let hub: string;

  beforeAll(async () => {
    ({ schema, dataSource } = await openNotificationTestDatabase('notification_alert_trips', 4));
    directory = new DirectoryRepository(dataSource);
    alerts = new AlertRepository(dataSource);
    deliveries = new DeliveryRepository(dataSource);
    timers = new EscalationTimers(dataSource);
    handlers = alertEventHandlers({
      dataSource,
      alerts,
      directory,
      deliveries,
      escalation: timers,
      logger,
    });
    const organisation = async (
      name: string,
      kind: 'police_borough' | 'missing_person_unit' | 'ngo' | 'coordinator',
      boroughs: string[],
      addresses: string[],
    ): Promise<string> => {
      const id = randomUUID();
      await directory.addOrganisation({ id, name, kind, boroughs });
      for (const address of addresses) {
        await directory.addContact({ organisationId: id, channel: 'email', address });
      }
      return id;
    };
    police = await organisation(
      'Camden Police',
      'police_borough',
      [CAMDEN],
      ['duty@police.example', 'inspector@police.example'],
    );
    unit = await organisation(
      'Camden MPU',
      'missing_person_unit',
      [CAMDEN],
      ['mpu@camden.example'],
    );
    // Others of the same kinds elsewhere: read with the candidates, never reached.
    await organisation('Croydon Police', 'police_borough', [CROYDON], ['duty@croydon.example']);
    namedNgo = await organisation('Hackney NGO', 'ngo', [HACKNEY], ['desk@ngo.example']);
    hub = await organisation(
      'Coordination hub',
      'coordinator',
      ['pan_london'],
      ['hub@hub.example'],
    );
  });

  afterAll(async () => {
    await dataSource.destroy();
    await schema.drop();
  });

  const request = (overrides: Partial<AlertRequested> = {}): AlertRequested => ({
    alertId: randomUUID(),
    cause: { kind: 'missing_episode', id: randomUUID(), eventId: randomUUID() },
    severity: 'critical',
    acknowledgeWithinMinutes: 15,
    audience: {
      roles: ['police_borough', 'missing_person_unit'],
      boroughs: [CAMDEN],
      organisations: [namedNgo],
    },
    disclosure: { level: 'notice' },
    summary: { title: 'Missing child — Camden', lines: [] },
    requestedAt: new Date().toISOString(),
    ...overrides,
  });

  /** Handles the event as the consumer does, in one transaction; the statements it sent. */
  async function handle(type: string, data: object): Promise<string[]> {
    const handler = handlers[type];
    if (handler === undefined) throw new Error(`no handler for ${type}`);
    const event = createEvent({ type, source: '/test', data });
    return statementsDuring(() => dataSource.transaction((manager) => handler(event, manager)));
  }

  const requested = (alert: AlertRequested) => handle('harbour.alert.requested', alert);

  async function deliveriesOf(alertId: string) {
    const rows = await dataSource.query<
      { organisation_id: string; address: string; matched_rule: string; status: string }[]
    >(
      `SELECT organisation_id, address, matched_rule, status FROM "${schema.schema}".delivery
        WHERE alert_id = $1 ORDER BY created_at, address`,
      [alertId],
    );
    return rows;
  }

  async function stored(alertId: string) {
    const [row] = await dataSource.query<
      {
        state: string;
        superseded_by: string | null;
        escalation_policy: { origin?: string } | null;
      }[]
    >(
      `SELECT state, superseded_by, escalation_policy FROM "${schema.schema}".alert WHERE id = $1`,
      [alertId],
    );
    return row;
  }

  it('records an alert with its policy, first timer and deliveries in three statements: the supersession lock, the directory read, then one write', async () => {
    const alert = request();
    const statements = await requested(alert);
    expect(statements).toHaveLength(5);
    expect(statements[0]).toBe('START TRANSACTION');
    expect(statements[1]).toMatch(/^SELECT pg_advisory_xact_lock/);
    expect(statements[2]).toMatch(/^SELECT .* FROM .*\.organisation o LEFT JOIN .*\.contact c/);
    expect(statements[3]).toMatch(/^WITH successor AS/);
    expect(statements[4]).toBe('COMMIT');

    expect(await stored(alert.alertId)).toMatchObject({
      state: 'open',
      superseded_by: null,
      escalation_policy: { origin: 'default:critical' },
    });
    const pending = await timers.ofAlert(alert.alertId);
    expect(pending.map((t) => [t.level, t.loop, t.state])).toEqual([[0, 0, 'pending']]);
    expect(pending[0]?.dueAt.getTime()).toBe(new Date(alert.requestedAt).getTime() + 15 * 60_000);
    expect(await deliveriesOf(alert.alertId)).toEqual(
      expect.arrayContaining([
        {
          organisation_id: police,
          address: 'duty@police.example',
          matched_rule: `role=police_borough & borough=${CAMDEN}`,
          status: 'pending',
        },
        {
          organisation_id: police,
          address: 'inspector@police.example',
          matched_rule: `role=police_borough & borough=${CAMDEN}`,
          status: 'pending',
        },
        {
          organisation_id: unit,
          address: 'mpu@camden.example',
          matched_rule: `role=missing_person_unit & borough=${CAMDEN}`,
          status: 'pending',
        },
        {
          organisation_id: namedNgo,
          address: 'desk@ngo.example',
          matched_rule: 'organisation=named',
          status: 'pending',
        },
      ]),
    );
    expect(await deliveriesOf(alert.alertId)).toHaveLength(4);
    const log = await deliveries.eventsOfAlert(alert.alertId);
    expect(log.map((entry) => entry.event)).toEqual(['queued', 'queued', 'queued', 'queued']);
  });

  it('alerts the coordinator, when nobody else can be, in the same three statements', async () => {
    const alert = request({ audience: { roles: ['ngo'], boroughs: [CROYDON] } });
    expect(await requested(alert)).toHaveLength(5);
    expect(await deliveriesOf(alert.alertId)).toEqual([
      {
        organisation_id: hub,
        address: 'hub@hub.example',
        matched_rule: `fallback=coordinator: no reachable partner for role=ngo & borough=${CROYDON}`,
        status: 'pending',
      },
    ]);
  });

  it('reads the directory as it is at each alert: a contact added since is reached by the next', async () => {
    const first = request({ audience: { roles: ['missing_person_unit'], boroughs: [CAMDEN] } });
    await requested(first);
    expect((await deliveriesOf(first.alertId)).map((d) => d.address)).toEqual([
      'mpu@camden.example',
    ]);
    await directory.addContact({
      organisationId: unit,
      channel: 'email',
      address: 'mpu.sergeant@camden.example',
    });
    const next = request({ audience: { roles: ['missing_person_unit'], boroughs: [CAMDEN] } });
    await requested(next);
    expect((await deliveriesOf(next.alertId)).map((d) => d.address).sort()).toEqual([
      'mpu.sergeant@camden.example',
      'mpu@camden.example',
    ]);
  });

  it('adds nothing for an alert already recorded, in the same three statements', async () => {
    const alert = request();
    await requested(alert);
    const before = await deliveriesOf(alert.alertId);
    expect(await requested(alert)).toHaveLength(5);
    expect(await deliveriesOf(alert.alertId)).toEqual(before);
    expect(await timers.ofAlert(alert.alertId)).toHaveLength(1);
    expect(await deliveries.eventsOfAlert(alert.alertId)).toHaveLength(before.length);
  });

  it('records an alert arriving after its successor superseded, with nothing pending, in the same three statements', async () => {
    const older = request({
      escalationPolicy: {
        levels: [{ afterMinutes: 5, roles: ['coordinator'] }],
        repeat: 0,
      },
    });
    const newer = request({ supersedes: older.alertId, severity: 'high' });
    await requested(newer);
    expect(await requested(older)).toHaveLength(5);
    expect(await stored(older.alertId)).toEqual({
      state: 'superseded',
      superseded_by: newer.alertId,
      // The policy as requested: it never escalated, so nothing of it was planned.
      escalation_policy: { levels: [{ afterMinutes: 5, roles: ['coordinator'] }], repeat: 0 },
    });
    expect(await deliveriesOf(older.alertId)).toEqual([]);
    expect(await timers.ofAlert(older.alertId)).toEqual([]);
  });

  it('supersedes an alert, telling the partners the new one leaves out, in at most eleven statements', async () => {
    const older = request();
    await requested(older);
    const newer = request({
      supersedes: older.alertId,
      audience: { roles: ['missing_person_unit'], boroughs: [CAMDEN] },
    });
    const statements = await requested(newer);
    // BEGIN, the supersession lock, the directory, the new alert with its deliveries, the old one locked and marked,
    // its timers cancelled, who heard of it and who the new one reaches, the notices, COMMIT.
    expect(statements.length).toBeLessThanOrEqual(11);
    expect((await stored(older.alertId))?.state).toBe('superseded');
    const notices = (await deliveriesOf(older.alertId)).filter((d) =>
      d.matched_rule.startsWith('supersession'),
    );
    expect(notices.map((d) => d.organisation_id).sort()).toEqual([namedNgo, police, police].sort());
  });

  it('an alert and its successor handled at the same moment: the older ends superseded, never open beside it', async () => {
    const older = request();
    const newer = request({ supersedes: older.alertId, severity: 'high' });
    const handler = handlers['harbour.alert.requested']!;
    const event = (data: AlertRequested) =>
      createEvent({ type: 'harbour.alert.requested', source: '/test', data });
    // The newer is handled first and its transaction held open, uncommitted: it found no older
    // alert to supersede. The two have different keys, so the consumer may run the older now.
    let handled: () => void = () => undefined;
    const newerHandled = new Promise<void>((resolve) => {
      handled = resolve;
    });
    let commit: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      commit = resolve;
    });
    const newerDone = dataSource.transaction(async (manager) => {
      await handler(event(newer), manager);
      handled();
      await gate;
    });
    await newerHandled;
    let olderFinished = false;
    const olderDone = dataSource
      .transaction((manager) => handler(event(older), manager))
      .then(() => {
        olderFinished = true;
      });
    // Either the older is done (it saw no successor: the race) or it waits on the newer's lock.
    await expectEventually(
      async () => {
        if (olderFinished) return;
        const [waiting] = await dataSource.query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND NOT l.granted AND a.datname = current_database()
              AND a.query LIKE '%pg_advisory_xact_lock%'`,
        );
        if ((waiting?.n ?? 0) === 0) throw new Error('the older alert is neither done nor waiting');
      },
      { timeoutMs: 10_000, description: 'the older alert to finish or wait for the newer' },
    );
    commit();
    await Promise.all([newerDone, olderDone]);
    expect(await stored(older.alertId)).toMatchObject({
      state: 'superseded',
      superseded_by: newer.alertId,
    });
    expect(await deliveriesOf(older.alertId)).toEqual([]);
    expect(await timers.ofAlert(older.alertId)).toEqual([]);
  });

  it('releases a stage to the alert’s recipients in five statements', async () => {
    const alert = request();
    await requested(alert);
    const stage: AlertStageReleased = {
      alertId: alert.alertId,
      disclosure: { level: 'operational' },
      summary: {
        title: 'Missing child — Camden',
        lines: [{ label: 'Seen', value: 'Kentish Town' }],
      },
      releasedAt: new Date().toISOString(),
      reason: 'operational stage for police',
      roles: ['police_borough'],
    };
    const statements = await handle('harbour.alert.stage-released', stage);
    // BEGIN, the stage recorded while the alert is live, its recipients, the follow-ups, COMMIT.
    expect(statements).toHaveLength(5);
    const followUps = (await deliveriesOf(alert.alertId)).filter((d) =>
      d.matched_rule.startsWith('stage='),
    );
    expect(followUps.map((d) => d.address).sort()).toEqual([
      'duty@police.example',
      'inspector@police.example',
    ]);
  });
});
