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
import { AlertStageRepository } from '../follow-ups/alert-stage-repository';
import { NOTIFICATION_MIGRATIONS } from '../migrations';
import {
  addTestPartner,
  startGuardedTestApp,
  type TestPartner,
} from '../test-support/notification-test-harness';
import { ALERT_DETAILS } from '../tokens';
import { AlertDetailsReader } from './alert-details';
import { type AlertDetailsView, AlertDetailsController } from './alert-details.controller';
import { AlertRepository } from './alert-repository';

jest.setTimeout(60_000);

const CAMDEN = 'E09000007';

/**
 * `GET /v1/alerts/{id}/details` behind the real guard over real Postgres: each recipient sees its
 * own cleared view and the stages it was sent, audited above a notice; nobody else sees anything.
 */
describe('alert details for a recipient organisation', () => {
  const logger = createLogger({ service: 'alert-details-test', level: 'silent' });
  const run = uniqueName('ad');
  let schema: TestSchema;
  let database: ServiceDatabase;
  let dataSource: DataSource;
  let identity: IdentityStore;
  let app: INestApplication;
  let baseUrl: string;
  let police: TestPartner;
  let housing: TestPartner;
  let immigration: TestPartner;
  let outsider: TestPartner;
  function missingChild(level: 'operational' | 'notice' = 'operational'): AlertRequested {
    return {
      alertId: randomUUID(),
      cause: { kind: 'missing_episode', id: randomUUID(), eventId: randomUUID() },
      severity: 'critical',
      acknowledgeWithinMinutes: 15,
      audience: { roles: ['police_borough', 'housing_provider'], boroughs: [CAMDEN] },
      disclosure: { level },
      summary: {
        title: 'Missing child — Camden',
        lines: [{ label: 'Last seen', value: `LAST-SEEN-${run}` }],
      },
      requestedAt: new Date().toISOString(),
    };
  }

  async function record(requested: AlertRequested): Promise<void> {
    await dataSource.transaction((manager) =>
      new AlertRepository(dataSource).record(requested, manager),
    );
  }

  async function deliver(
    requested: AlertRequested,
    partner: TestPartner,
    followUp?: { level: string; stageId: string },
  ): Promise<void> {
    await dataSource.query(
      `INSERT INTO "${schema.schema}".delivery
         (id, alert_id, organisation_id, contact_id, channel, address, message_id, matched_rule,
          purpose, stage, stage_id, status, sent_at)
       SELECT $1, $2, c.organisation_id, c.id, 'email', c.address, $3, 'role=test', $5, $6, $7,
              'sent', now()
         FROM "${schema.schema}".contact c WHERE c.organisation_id = $4`,
      [
        randomUUID(),
        requested.alertId,
        `<${randomUUID()}@test>`,
        partner.id,
        followUp === undefined ? 'alert' : 'follow_up',
        followUp?.level ?? null,
        followUp?.stageId ?? null,
      ],
    );
  }

  beforeAll(async () => {
    schema = await createTestSchema('alert_details');
    database = await openServiceDatabase({
      service: 'notification',
      databaseUrl: testDatabaseUrl(),
      schema: schema.schema,
      migrations: NOTIFICATION_MIGRATIONS,
      poolSize: 4,
    });
    ({ dataSource, identity } = database);
    const directory = new DirectoryRepository(dataSource);
    const partner = (name: string, kind: 'police_borough' | 'housing_provider' | 'immigration') =>
      addTestPartner({ identity, directory, run }, { name, kind, boroughs: [CAMDEN] });
    police = await partner('Camden Police', 'police_borough');
    housing = await partner('Camden Homes', 'housing_provider');
    immigration = await partner('Immigration Enforcement', 'immigration');
    outsider = await partner('Other Police', 'police_borough');

    ({ app, baseUrl } = await startGuardedTestApp({
      service: run,
      logger,
      identity,
      controllers: [AlertDetailsController],
      providers: [{ provide: ALERT_DETAILS, useValue: new AlertDetailsReader(dataSource) }],
    }));
  });

  afterAll(async () => {
    await app.close();
    await database.close();
    await schema.drop();
  });

  const details = (alertId: string, key: string) =>
    fetch(`${baseUrl}/v1/alerts/${alertId}/details`, {
      headers: { authorization: `Bearer ${key}` },
    });
  const disclosures = async (alertId: string) =>
    (
      await dataSource.query<{ action: string; actor: Record<string, unknown>; details: object }[]>(
        `SELECT action, actor, details FROM "${schema.schema}".audit_log
          WHERE resource_id = $1 AND action LIKE 'disclosure.%' ORDER BY seq`,
        [alertId],
      )
    ).map((row) => ({ action: row.action, actor: row.actor, details: row.details }));

  it('shows a cleared recipient the lines and the stages it was sent, audited at the highest level', async () => {
    const requested = missingChild();
    await record(requested);
    await deliver(requested, police);
    await deliver(requested, housing);
    const stageId = await dataSource.transaction((manager) =>
      new AlertStageRepository(dataSource).record(
        {
          alertId: requested.alertId,
          disclosure: { level: 'personal' },
          summary: {
            title: 'Philomena profile — police only',
            lines: [{ label: 'Profile', value: `PROFILE-${run}` }],
          },
          releasedAt: new Date().toISOString(),
          reason: 'test',
          roles: ['police_borough'],
        },
        manager,
      ),
    );
    if (stageId === null) throw new Error('stage not recorded');
    await deliver(requested, police, { level: 'personal', stageId });

    const key = await police.key('read');
    const response = await details(requested.alertId, key);
    expect(response.status).toBe(200);
    const view = (await response.json()) as AlertDetailsView;
    expect(view).toMatchObject({
      alertId: requested.alertId,
      title: 'Missing child — Camden',
      severity: 'critical',
      level: 'operational',
      state: 'open',
      lines: [{ label: 'Last seen', value: `LAST-SEEN-${run}` }],
      stages: [
        {
          stageId,
          level: 'personal',
          title: 'Philomena profile — police only',
          lines: [{ label: 'Profile', value: `PROFILE-${run}` }],
        },
      ],
    });
    const audited = await disclosures(requested.alertId);
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({
      action: 'disclosure.personal',
      actor: { type: 'api_key', organisationId: police.id, organisationKind: 'police_borough' },
      details: { organisationId: police.id, levelShown: 'operational', stageIds: [stageId] },
    });
  });

  it('shows a recipient not cleared for the level the notice only, and audits nothing', async () => {
    const requested = missingChild();
    await record(requested);
    await deliver(requested, housing);
    const response = await details(requested.alertId, await housing.key('read'));
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).not.toContain('LAST-SEEN');
    expect(JSON.parse(text)).toMatchObject({ level: 'notice', stages: [] });
    expect(await disclosures(requested.alertId)).toEqual([]);
  });

  it('tells a non-recipient, an excluded purpose and an unknown alert alike that there is none', async () => {
    const requested = missingChild();
    await record(requested);
    await deliver(requested, police);
    // A referral is for victim support: immigration enforcement never sees it, even with a row.
    const referral: AlertRequested = {
      ...missingChild(),
      cause: { kind: 'referral', id: randomUUID(), eventId: randomUUID() },
    };
    await record(referral);
    await deliver(referral, immigration);
    for (const [alertId, key] of [
      [requested.alertId, await outsider.key('read')],
      [referral.alertId, await immigration.key('read')],
      [randomUUID(), await police.key('read')],
    ] as const) {
      const response = await details(alertId, key);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain('LAST-SEEN');
    }
    expect(await disclosures(requested.alertId)).toEqual([]);
    expect(await disclosures(referral.alertId)).toEqual([]);
  });

  it('shows nothing of an ended alert (409), and needs a reading role (403)', async () => {
    const requested = missingChild();
    await record(requested);
    await deliver(requested, police);
    expect((await details(requested.alertId, await police.key('submit'))).status).toBe(403);
    await dataSource.query(
      `UPDATE "${schema.schema}".alert SET state = 'closed', closed_at = now() WHERE id = $1`,
      [requested.alertId],
    );
    const closed = await details(requested.alertId, await police.key('read'));
    expect(closed.status).toBe(409);
    expect(await closed.text()).not.toContain('LAST-SEEN');
    expect(await disclosures(requested.alertId)).toEqual([]);
  });
});
