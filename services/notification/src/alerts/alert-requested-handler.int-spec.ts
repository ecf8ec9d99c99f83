import { randomUUID } from 'node:crypto';
import type { AlertRequested } from '@harbour/contracts';
import { createEvent } from '@harbour/messaging';
import { createLogger } from '@harbour/platform';
import type { TestSchema } from '@harbour/testing';
import type { DataSource } from 'typeorm';
import { DeliveryRepository } from '../delivery/delivery-repository';
import { DirectoryRepository } from '../directory/directory-repository';
import { EscalationTimers } from '../escalation/escalation-timers';
import { AlertRepository } from './alert-repository';
import { AlertRequestedHandler } from './alert-requested-handler';
import { openNotificationTestDatabase } from '../test-support/notification-test-database';

// Real Postgres on a shared, busy machine: the 5 s default is too tight for a fresh schema.
jest.setTimeout(60_000);

const CAMDEN = 'E09000007';
const CROYDON = 'E09000008';
const HACKNEY = 'E09000012';
const ISLINGTON = 'E09000019';

describe('routing an alert request (real Postgres)', () => {
  let schema: TestSchema;
  let dataSource: DataSource;
  let directory: DirectoryRepository;
  let handler: AlertRequestedHandler;

  beforeAll(async () => {
    ({ schema, dataSource } = await openNotificationTestDatabase('notification_routing', 2));
    directory = new DirectoryRepository(dataSource);
    handler = new AlertRequestedHandler({
      dataSource,
      alerts: new AlertRepository(dataSource),
      directory,
      deliveries: new DeliveryRepository(dataSource),
      logger: createLogger({ service: 'notification-test', level: 'error' }),
      escalation: new EscalationTimers(dataSource),
    });
    const camdenNgo = randomUUID();
    await directory.addOrganisation({
      id: camdenNgo,
      name: 'Camden child NGO',
      kind: 'ngo',
      boroughs: [CAMDEN],
      ageGroups: ['child'],
    });
    await directory.addContact({
      organisationId: camdenNgo,
      channel: 'email',
      address: 'ngo@camden.example',
    });
    const hub = randomUUID();
    await directory.addOrganisation({
      id: hub,
      name: 'Coordination hub',
      kind: 'coordinator',
      boroughs: ['pan_london'],
    });
    await directory.addContact({
      organisationId: hub,
      channel: 'email',
      address: 'duty@hub.example',
    });
  });

  afterAll(async () => {
    await dataSource.destroy();
    await schema.drop();
  });

  const request = (audience: AlertRequested['audience']): AlertRequested => ({
    alertId: randomUUID(),
    cause: { kind: 'missing_episode', id: randomUUID(), eventId: randomUUID() },
    severity: 'critical',
    acknowledgeWithinMinutes: 15,
    audience,
    disclosure: { level: 'notice' },
    summary: { title: 'Test alert', lines: [] },
    requestedAt: new Date().toISOString(),
  });

  const route = async (alert: AlertRequested) => {
    const event = createEvent({ type: 'harbour.alert.requested', source: '/test', data: alert });
    await dataSource.transaction((manager) => handler.onRequested(event, manager));
    const rows = await dataSource.query<{ address: string; matched_rule: string }[]>(
      `SELECT address, matched_rule FROM "${schema.schema}".delivery WHERE alert_id = $1 ORDER BY address`,
      [alert.alertId],
    );
    return rows;
  };

  it('reaches the partner that serves the borough and age group, saying why', async () => {
    expect(await route(request({ roles: ['ngo'], boroughs: [CAMDEN], ageGroup: 'child' }))).toEqual(
      [{ address: 'ngo@camden.example', matched_rule: 'role=ngo & borough=E09000007 & age=child' }],
    );
  });

  it('alerts the coordinator instead when no partner serves the audience — never silence', async () => {
    const unserved = await route(request({ roles: ['ngo'], boroughs: [CROYDON] }));
    expect(unserved).toEqual([
      {
        address: 'duty@hub.example',
        matched_rule: 'fallback=coordinator: no reachable partner for role=ngo & borough=E09000008',
      },
    ]);
    const adultOnly = await route(
      request({ roles: ['ngo'], boroughs: [CAMDEN], ageGroup: 'adult' }),
    );
    expect(adultOnly.map((d) => d.address)).toEqual(['duty@hub.example']);
  });

  it('adds the on-call contact when the alert comes outside the partner’s duty hours', async () => {
    const ngo = randomUUID();
    await directory.addOrganisation({
      id: ngo,
      name: 'Office-hours NGO',
      kind: 'ngo',
      boroughs: [HACKNEY],
      dutyHours: { days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00' },
    });
    await directory.addContact({
      organisationId: ngo,
      channel: 'email',
      address: 'desk@ngo.example',
    });
    await directory.addContact({
      organisationId: ngo,
      channel: 'email',
      address: 'oncall@ngo.example',
      outOfHours: true,
    });
    const at = (iso: string) => ({
      ...request({ roles: ['ngo'], boroughs: [HACKNEY] }),
      requestedAt: iso,
    });
    const inHours = await route(at('2026-01-14T11:00:00Z')); // Wednesday 11:00 GMT
    expect(inHours.map((d) => d.address)).toEqual(['desk@ngo.example']);
    const atNight = await route(at('2026-01-14T23:00:00Z'));
    expect(atNight.map((d) => d.address)).toEqual(['desk@ngo.example', 'oncall@ngo.example']);
  });

  it('creates one set of deliveries for a repeated request (same alert)', async () => {
    const alert = request({ roles: ['ngo'], boroughs: [CAMDEN] });
    await route(alert);
    expect(await route(alert)).toHaveLength(1);
  });

  it('reaches an organisation the audience names, in another borough, and needs no coordinator then', async () => {
    const planner = randomUUID();
    await directory.addOrganisation({
      id: planner,
      name: 'Croydon planning unit',
      kind: 'police_specialist',
      boroughs: [CROYDON],
    });
    await directory.addContact({
      organisationId: planner,
      channel: 'email',
      address: 'planner@croydon.example',
    });
    // No NGO in Croydon: the named planner alone is reached, and the coordinator is not alerted.
    const alert = request({ roles: ['ngo'], boroughs: [CROYDON], organisations: [planner] });
    alert.cause.ownerOrganisationId = planner;
    expect(await route(alert)).toEqual([
      { address: 'planner@croydon.example', matched_rule: 'organisation=named' },
    ]);
    const [stored] = await dataSource.query<{ owner: string | null }[]>(
      `SELECT cause_owner_organisation_id AS owner FROM "${schema.schema}".alert WHERE id = $1`,
      [alert.alertId],
    );
    expect(stored?.owner).toBe(planner);
  });

  it('reaches NGOs offering any of the specialisms, and falls back when the only named id is unknown', async () => {
    const labourNgo = randomUUID();
    await directory.addOrganisation({
      id: labourNgo,
      name: 'Islington labour NGO',
      kind: 'ngo',
      boroughs: [ISLINGTON],
      specialisms: ['labour', 'men'],
    });
    await directory.addContact({
      organisationId: labourNgo,
      channel: 'email',
      address: 'advice@labour.example',
    });
    const anyOf = (specialisms: string[]) =>
      request({ roles: ['ngo'], boroughs: [ISLINGTON], anyOfSpecialisms: specialisms });
    expect(await route(anyOf(['sexual', 'labour']))).toEqual([
      {
        address: 'advice@labour.example',
        matched_rule: 'role=ngo & borough=E09000019 & specialism∈labour',
      },
    ]);
    expect((await route(anyOf(['sexual', 'children']))).map((d) => d.address)).toEqual([
      'duty@hub.example',
    ]);
    const unknown = randomUUID();
    const alert = request({ roles: ['ngo'], boroughs: [CROYDON], organisations: [unknown] });
    expect(await route(alert)).toEqual([
      {
        address: 'duty@hub.example',
        matched_rule: 'fallback=coordinator: no reachable partner for role=ngo & borough=E09000008',
      },
    ]);
    const [stored] = await dataSource.query<{ owner: string | null }[]>(
      `SELECT cause_owner_organisation_id AS owner FROM "${schema.schema}".alert WHERE id = $1`,
      [alert.alertId],
    );
    expect(stored?.owner).toBeNull();
  });
});
