import {
  CAMDEN,
  IntakeHarness,
  ISLINGTON,
  problemPointers,
  type TestOrganisation,
} from '../test-support/intake-harness';

jest.setTimeout(90_000);

const HOUR_MS = 3_600_000;
const inHours = (hours: number) => new Date(Date.now() + hours * HOUR_MS).toISOString();

const ADDRESS = { line1: '9 Listing Mews', postcode: 'nw1 7aa' };
const LEAD = { name: 'DS Lister Lead', phone: '+44 20 7946 0101', email: 'lister@police.example' };

const raid = (startInHours: number, borough = CAMDEN) => ({
  kind: 'raid',
  premisesKind: 'car_wash',
  address: ADDRESS,
  borough,
  plannedStart: inHours(startInHours),
  plannedEnd: inHours(startInHours + 3),
  expectedPeople: { total: 4 },
  exploitationTypes: ['labour'],
  vulnerablePeopleLikely: true,
  leadContact: LEAD,
});

interface ListBody {
  operations: Record<string, unknown>[];
  total: number;
  limit: number;
  offset: number;
  nextOffset: number | null;
}

/** GET /v1/operations: a planner's own operations, paginated, with no personal field. */
describe('intake: the planner’s list of its operations', () => {
  let h: IntakeHarness;
  let camden: TestOrganisation;
  let islington: TestOrganisation;
  let coordinatorAdmin: string;
  const ours: string[] = [];
  let theirs = '';

  beforeAll(async () => {
    h = await IntakeHarness.start(['harbour.intake.operation.v1']);
    camden = await h.organisation('police_borough', [CAMDEN]);
    islington = await h.organisation('police_borough', [ISLINGTON]);
    const coordinator = await h.organisation('coordinator', ['pan_london']);
    coordinatorAdmin = await h.keyFor(coordinator.organisationId, ['admin']);
    // Planned starts 30, 10 and 20 hours ahead: listed 30, 20, 10.
    for (const hours of [30, 10, 20]) {
      const response = await h.post('/v1/operations', raid(hours), camden.key);
      expect(response.status).toBe(202);
      ours.push(((await response.json()) as { operationId: string }).operationId);
    }
    const other = await h.post('/v1/operations', raid(15, ISLINGTON), islington.key);
    expect(other.status).toBe(202);
    theirs = ((await other.json()) as { operationId: string }).operationId;
  });

  afterAll(async () => {
    await h.close();
  });

  const list = async (query: string, key = camden.key): Promise<ListBody> => {
    const response = await h.get(`/v1/operations${query}`, key);
    expect(response.status).toBe(200);
    return (await response.json()) as ListBody;
  };

  it('lists only the caller’s own operations, newest planned start first, without address or contact', async () => {
    const page = await list('');
    expect(page.total).toBe(3);
    expect(page.nextOffset).toBeNull();
    expect(page.operations.map((o) => o.operationId)).toEqual([ours[0], ours[2], ours[1]]);
    expect(page.operations.map((o) => o.operationId)).not.toContain(theirs);
    expect(page.operations[0]).toEqual({
      operationId: ours[0],
      state: 'planned',
      revision: 1,
      kind: 'raid',
      premisesKind: 'car_wash',
      borough: CAMDEN,
      plannedStart: expect.any(String) as unknown,
      plannedEnd: expect.any(String) as unknown,
      plannedAt: expect.any(String) as unknown,
      updatedAt: expect.any(String) as unknown,
    });
    const text = JSON.stringify(page);
    for (const secret of [ADDRESS.line1, 'NW1 7AA', ADDRESS.postcode, LEAD.name, LEAD.phone]) {
      expect(text).not.toContain(secret);
    }
    // The other force sees its one operation, not Camden's.
    const other = await list('', islington.key);
    expect(other.operations.map((o) => o.operationId)).toEqual([theirs]);
  });

  it('pages with limit and offset, and says where the next page starts', async () => {
    const first = await list('?limit=2');
    expect(first.operations.map((o) => o.operationId)).toEqual([ours[0], ours[2]]);
    expect(first).toMatchObject({ total: 3, limit: 2, offset: 0, nextOffset: 2 });
    const second = await list('?limit=2&offset=2');
    expect(second.operations.map((o) => o.operationId)).toEqual([ours[1]]);
    expect(second).toMatchObject({ total: 3, nextOffset: null });
    const beyond = await list('?limit=2&offset=10');
    expect(beyond).toMatchObject({ operations: [], total: 3, nextOffset: null });
  });

  it('refuses a bad page, a read-less key and organisations that plan nothing', async () => {
    const bad = await h.get('/v1/operations?limit=0&offset=-1', camden.key);
    expect(await problemPointers(bad)).toEqual(['query:limit']);
    expect(await problemPointers(await h.get('/v1/operations?offset=x', camden.key))).toEqual([
      'query:offset',
    ]);
    const readKey = await h.keyFor(camden.organisationId, ['read']);
    expect((await h.get('/v1/operations', readKey)).status).toBe(200);
    const respondOnly = await h.keyFor(camden.organisationId, ['respond']);
    expect((await h.get('/v1/operations', respondOnly)).status).toBe(403);
    const ngo = await h.organisation('ngo', [CAMDEN]);
    expect((await h.get('/v1/operations', ngo.key)).status).toBe(403);
    expect((await h.get('/v1/operations', 'hbr_not-a-key')).status).toBe(401);
  });

  it('is not a recorded disclosure: listing records no personal-data read', async () => {
    await list('');
    const response = await h.get('/v1/audit?action=personal_data.read&limit=500', coordinatorAdmin);
    expect(response.status).toBe(200);
    const { entries } = (await response.json()) as { entries: { reason: string }[] };
    expect(entries.filter((e) => e.reason.startsWith('GET /v1/operations'))).toEqual([]);
  });
});
