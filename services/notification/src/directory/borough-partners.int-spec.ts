import type { INestApplication } from '@nestjs/common';
import {
  createLogger,
  type IdentityStore,
  openServiceDatabase,
  type ServiceDatabase,
} from '@harbour/platform';
import { createTestSchema, testDatabaseUrl, type TestSchema, uniqueName } from '@harbour/testing';
import type { DataSource } from 'typeorm';
import { NOTIFICATION_MIGRATIONS } from '../migrations';
import {
  addTestPartner,
  startGuardedTestApp,
  type TestPartner,
} from '../test-support/notification-test-harness';
import { BOROUGH_PARTNERS } from '../tokens';
import { BoroughPartners } from './borough-partners';
import { BoroughPartnersController, type BoroughPartnersView } from './borough-partners.controller';
import { DirectoryRepository } from './directory-repository';

jest.setTimeout(60_000);

const CAMDEN = 'E09000007';
const HACKNEY = 'E09000012';
const BARNET = 'E09000003';

/**
 * `GET /v1/boroughs/{gss}/partners` behind the real guard, over a real directory: who serves a
 * borough (naming it, or all London), name and kind only, for coordinators only.
 */
describe('partners by borough for the London map', () => {
  const logger = createLogger({ service: 'borough-partners-test', level: 'silent' });
  const run = uniqueName('bp');
  let schema: TestSchema;
  let database: ServiceDatabase;
  let dataSource: DataSource;
  let identity: IdentityStore;
  let app: INestApplication;
  let baseUrl: string;
  let camdenNgo: TestPartner;
  let coordinatorRead: string;
  let coordinatorAdmin: string;

  beforeAll(async () => {
    schema = await createTestSchema('borough_partners');
    database = await openServiceDatabase({
      service: 'notification',
      databaseUrl: testDatabaseUrl(),
      schema: schema.schema,
      migrations: NOTIFICATION_MIGRATIONS,
      poolSize: 2,
    });
    ({ dataSource, identity } = database);
    const directory = new DirectoryRepository(dataSource);
    const add = (
      name: string,
      kind: Parameters<typeof addTestPartner>[1]['kind'],
      boroughs: string[],
    ) => addTestPartner({ identity, directory, run }, { name, kind, boroughs });
    camdenNgo = await add('Camden Outreach', 'ngo', [CAMDEN]);
    await add('North Police', 'police_borough', [CAMDEN, BARNET]);
    await add('Hackney Housing', 'housing_provider', [HACKNEY]);
    await add('London Hub', 'coordinator', ['pan_london']);
    await add('Anti Slavery London', 'ngo', ['pan_london']);
    const coordinator = await identity.createOrganisation({
      name: `Coordinator ${run}`,
      kind: 'coordinator',
      boroughs: ['pan_london'],
    });
    const key = async (role: 'read' | 'admin') =>
      (await identity.issueApiKey({ organisationId: coordinator.id, roles: [role], label: run }))
        .key;
    coordinatorRead = await key('read');
    coordinatorAdmin = await key('admin');

    ({ app, baseUrl } = await startGuardedTestApp({
      service: run,
      logger,
      identity,
      controllers: [BoroughPartnersController],
      providers: [{ provide: BOROUGH_PARTNERS, useValue: new BoroughPartners(dataSource) }],
    }));
  });

  afterAll(async () => {
    await app.close();
    await database.close();
    await schema.drop();
  });

  const get = (path: string, key: string) =>
    fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${key}` } });

  it('lists who serves the borough, those naming it first, then all London; by kind and name', async () => {
    const response = await get(`/v1/boroughs/${CAMDEN}/partners`, coordinatorRead);
    expect(response.status).toBe(200);
    const view = (await response.json()) as BoroughPartnersView;
    expect(view).toEqual({
      gss: CAMDEN,
      name: 'Camden',
      partners: [
        { name: `Camden Outreach ${run}`, kind: 'ngo', panLondon: false },
        { name: `North Police ${run}`, kind: 'police_borough', panLondon: false },
        { name: `London Hub ${run}`, kind: 'coordinator', panLondon: true },
        { name: `Anti Slavery London ${run}`, kind: 'ngo', panLondon: true },
      ],
    });
    // Name and kind only: no contact address, no id.
    expect(JSON.stringify(view)).not.toContain('@');
    expect(JSON.stringify(view)).not.toContain(camdenNgo.id);

    const hackney = (await (
      await get(`/v1/boroughs/${HACKNEY}/partners`, coordinatorAdmin)
    ).json()) as BoroughPartnersView;
    expect(hackney.partners.map((p) => p.name)).toEqual([
      `Hackney Housing ${run}`,
      `London Hub ${run}`,
      `Anti Slavery London ${run}`,
    ]);
    // A borough no one names still has those serving all London.
    const city = (await (
      await get('/v1/boroughs/E09000001/partners', coordinatorRead)
    ).json()) as BoroughPartnersView;
    expect(city.partners.every((p) => p.panLondon)).toBe(true);
    expect(city.partners).toHaveLength(2);
  });

  it('is for coordinators only, and knows only London’s 33 authorities', async () => {
    expect((await get(`/v1/boroughs/${CAMDEN}/partners`, await camdenNgo.key('read'))).status).toBe(
      403,
    );
    expect((await get(`/v1/boroughs/${CAMDEN}/partners`, 'hbr_nonsense')).status).toBe(401);
    for (const gss of ['E09000034', 'pan_london', 'E08000001']) {
      const response = await get(`/v1/boroughs/${gss}/partners`, coordinatorRead);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
  });
});
