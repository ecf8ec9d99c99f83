import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { AlertRequested } from '@harbour/contracts';
import {
  createLogger,
  type IdentityStore,
  openServiceDatabase,
  type ServiceDatabase,
} from '@harbour/platform';
import { createTestSchema, testDatabaseUrl, type TestSchema, uniqueName } from '@harbour/testing';
import type { DataSource } from 'typeorm';
import { DirectoryRepository } from '../directory/directory-repository';
import { NOTIFICATION_MIGRATIONS } from '../migrations';
import {
  addTestPartner,
  startGuardedTestApp,
  type TestPartner,
} from '../test-support/notification-test-harness';
import { PARTNER_ALERTS_REPOSITORY } from '../tokens';
import { AlertRepository } from './alert-repository';
import type { BoroughCountsView, InboxView } from './partner-alerts.controller';
import { PartnerAlertsController } from './partner-alerts.controller';
import { PartnerAlertsRepository } from './partner-alerts-repository';

jest.setTimeout(60_000);

const CAMDEN = 'E09000007';
const HACKNEY = 'E09000012';
const HOUR = 3_600_000;

/**
 * The console's reads of alerts behind the real guard: a recipient's inbox (its own alerts, in
 * the order it must act on them, notice-level facts only) and the coordinator's counts by
 * borough. Real Postgres; alerts, deliveries and acknowledgements written as notification does.
 */
describe('partner inbox and borough counts', () => {
  const logger = createLogger({ service: 'partner-alerts-test', level: 'silent' });
  const run = uniqueName('pa');
  let schema: TestSchema;
  let database: ServiceDatabase;
  let dataSource: DataSource;
  let identity: IdentityStore;
  let app: INestApplication;
  let baseUrl: string;
  let ngo: TestPartner;
  let other: TestPartner;
  let coordinatorKey: string;
  const alerts: Record<string, AlertRequested> = {};

  function alert(
    name: string,
    severity: AlertRequested['severity'],
    hoursAgo: number,
    boroughs: string[],
  ): AlertRequested {
    const requested: AlertRequested = {
      alertId: randomUUID(),
      cause: { kind: 'referral', id: randomUUID(), eventId: randomUUID() },
      severity,
      acknowledgeWithinMinutes: 60,
      audience: { roles: ['ngo'], boroughs },
      disclosure: { level: severity === 'critical' ? 'operational' : 'notice' },
      summary: { title: `${name} alert`, lines: [{ label: 'Secret line', value: `LINE-${name}` }] },
      requestedAt: new Date(Date.now() - hoursAgo * HOUR).toISOString(),
    };
    alerts[name] = requested;
    return requested;
  }

  async function deliver(
    requested: AlertRequested,
    partner: TestPartner,
    escalationLevel: number | null = null,
  ): Promise<void> {
    await dataSource.query(
      `INSERT INTO "${schema.schema}".delivery
         (id, alert_id, organisation_id, contact_id, channel, address, message_id, matched_rule,
          purpose, escalation_level, escalation_loop)
       SELECT $1, $2, c.organisation_id, c.id, 'email', c.address, $3, 'role=ngo', $5, $6, $7
         FROM "${schema.schema}".contact c WHERE c.organisation_id = $4`,
      [
        randomUUID(),
        requested.alertId,
        `<${randomUUID()}@test>`,
        partner.id,
        escalationLevel === null ? 'alert' : 'escalation',
        escalationLevel,
        escalationLevel === null ? null : 0,
      ],
    );
  }

  beforeAll(async () => {
    schema = await createTestSchema('partner_alerts');
    database = await openServiceDatabase({
      service: 'notification',
      databaseUrl: testDatabaseUrl(),
      schema: schema.schema,
      migrations: NOTIFICATION_MIGRATIONS,
      poolSize: 4,
    });
    ({ dataSource, identity } = database);
    const directory = new DirectoryRepository(dataSource);
    ngo = await addTestPartner(
      { identity, directory, run },
      {
        name: 'Camden Outreach',
        kind: 'ngo',
        boroughs: [CAMDEN],
      },
    );
    other = await addTestPartner(
      { identity, directory, run },
      {
        name: 'Hackney Outreach',
        kind: 'ngo',
        boroughs: [HACKNEY],
      },
    );
    const coordinator = await identity.createOrganisation({
      name: `Coordinator ${run}`,
      kind: 'coordinator',
      boroughs: ['pan_london'],
    });
    coordinatorKey = (
      await identity.issueApiKey({ organisationId: coordinator.id, roles: ['read'], label: run })
    ).key;

    const repository = new AlertRepository(dataSource);
    const record = (requested: AlertRequested) =>
      dataSource.transaction((manager) => repository.record(requested, manager));
    // Oldest to newest; each delivered to Camden Outreach unless said otherwise.
    await record(alert('old-informational', 'informational', 50, [CAMDEN]));
    await record(alert('acknowledged-critical', 'critical', 40, [CAMDEN]));
    await record(alert('closed-critical', 'critical', 30, [CAMDEN, HACKNEY]));
    await record(alert('open-high', 'high', 20, [CAMDEN]));
    await record(alert('open-critical', 'critical', 10, ['pan_london']));
    await record(alert('newest-informational', 'informational', 1, [CAMDEN]));
    await record(alert('hackney-only', 'critical', 2, [HACKNEY]));
    for (const [name, requested] of Object.entries(alerts)) {
      await deliver(requested, name === 'hackney-only' ? other : ngo);
    }
    // A second delivery of one alert (an escalation) does not list it twice.
    await deliver(alerts['open-high']!, ngo, 0);
    await dataSource.query(
      `INSERT INTO "${schema.schema}".acknowledgement (id, alert_id, organisation_id, via, actor)
       VALUES ($1, $2, $3, 'api', 'api_key:test')`,
      [randomUUID(), alerts['acknowledged-critical']!.alertId, ngo.id],
    );
    await dataSource.query(
      `UPDATE "${schema.schema}".alert SET state = 'acknowledged', acknowledged_at = now() WHERE id = $1`,
      [alerts['acknowledged-critical']!.alertId],
    );
    await dataSource.query(
      `UPDATE "${schema.schema}".alert SET state = 'closed', closed_at = now(), closure_reason = 'found'
        WHERE id = $1`,
      [alerts['closed-critical']!.alertId],
    );

    ({ app, baseUrl } = await startGuardedTestApp({
      service: run,
      logger,
      identity,
      controllers: [PartnerAlertsController],
      providers: [
        { provide: PARTNER_ALERTS_REPOSITORY, useValue: new PartnerAlertsRepository(dataSource) },
      ],
    }));
  });

  afterAll(async () => {
    await app.close();
    await database.close();
    await schema.drop();
  });

  const get = (path: string, key: string) =>
    fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${key}` } });

  it('lists only the caller’s alerts, those awaiting its acknowledgement first, most urgent first', async () => {
    const response = await get('/v1/alerts', await ngo.key('read'));
    expect(response.status).toBe(200);
    const inbox = (await response.json()) as InboxView;
    const names = Object.fromEntries(Object.entries(alerts).map(([n, a]) => [a.alertId, n]));
    expect(inbox.alerts.map((a) => names[a.alertId])).toEqual([
      'open-critical',
      'open-high',
      'newest-informational',
      'old-informational',
      'closed-critical',
      'acknowledged-critical',
    ]);
    expect(inbox).toMatchObject({ total: 6, limit: 25, offset: 0, nextOffset: null });
    expect(inbox.alerts[0]).toEqual({
      alertId: alerts['open-critical']!.alertId,
      title: 'open-critical alert',
      severity: 'critical',
      disclosureLevel: 'operational',
      state: 'open',
      requestedAt: alerts['open-critical']!.requestedAt,
      acknowledgeBy: new Date(
        Date.parse(alerts['open-critical']!.requestedAt) + HOUR,
      ).toISOString(),
      deliveredAt: expect.any(String) as string,
      acknowledgedByUs: false,
      acknowledgedByUsAt: null,
    });
    expect(inbox.alerts[5]).toMatchObject({ state: 'acknowledged', acknowledgedByUs: true });
    // Notice-level facts only: never an alert's lines.
    expect(JSON.stringify(inbox)).not.toContain('LINE-');
  });

  it('pages, and refuses bad paging', async () => {
    const key = await ngo.key('respond');
    const first = (await (await get('/v1/alerts?limit=4', key)).json()) as InboxView;
    expect(first.alerts).toHaveLength(4);
    expect(first.nextOffset).toBe(4);
    const second = (await (await get('/v1/alerts?limit=4&offset=4', key)).json()) as InboxView;
    expect(second.alerts).toHaveLength(2);
    expect(second).toMatchObject({ total: 6, nextOffset: null });
    const beyond = (await (await get('/v1/alerts?offset=100', key)).json()) as InboxView;
    expect(beyond).toMatchObject({ alerts: [], total: 6, nextOffset: null });
    for (const query of ['limit=0', 'limit=101', 'limit=x', 'offset=-1', 'limit=1.5']) {
      expect((await get(`/v1/alerts?${query}`, key)).status).toBe(400);
    }
  });

  it('shows another organisation nothing of these alerts, and refuses a key without read or respond', async () => {
    const inbox = (await (await get('/v1/alerts', await other.key('read'))).json()) as InboxView;
    expect(inbox.alerts.map((a) => a.alertId)).toEqual([alerts['hackney-only']!.alertId]);
    expect((await get('/v1/alerts', await ngo.key('submit'))).status).toBe(403);
    expect((await get('/v1/alerts', 'hbr_nonsense')).status).toBe(401);
  });

  it('counts alerts and open alerts by borough over a period, for coordinators only', async () => {
    const from = new Date(Date.now() - 45 * HOUR).toISOString();
    const to = new Date(Date.now() + HOUR).toISOString();
    const response = await get(`/v1/boroughs/alert-counts?from=${from}&to=${to}`, coordinatorKey);
    expect(response.status).toBe(200);
    const counts = (await response.json()) as BoroughCountsView;
    expect(counts.boroughs).toHaveLength(33);
    const of = (gss: string) => counts.boroughs.find((b) => b.gss === gss);
    // The 50-hour-old alert is outside the period; the closed one counts but is not open.
    expect(of(CAMDEN)).toEqual({ gss: CAMDEN, name: 'Camden', alerts: 4, open: 3 });
    expect(of(HACKNEY)).toEqual({ gss: HACKNEY, name: 'Hackney', alerts: 2, open: 1 });
    expect(of('E09000001')).toMatchObject({ alerts: 0, open: 0 });
    expect(counts.panLondon).toEqual({ alerts: 1, open: 1 });
    expect(counts).toMatchObject({ from, to });

    for (const query of [
      'from=yesterday',
      `from=${to}&to=${from}`,
      'from=2020-01-01&to=2022-01-01',
    ]) {
      expect((await get(`/v1/boroughs/alert-counts?${query}`, coordinatorKey)).status).toBe(400);
    }
    expect((await get('/v1/boroughs/alert-counts', await ngo.key('read'))).status).toBe(403);
  });
});
