import { type AuditEntryView, chainBreakOf } from '@harbour/platform';
import { CAMDEN, IntakeHarness, type TestOrganisation } from '../test-support/intake-harness';

jest.setTimeout(90_000);

const inHours = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();

interface AuditEntryBody {
  seq: number;
  action: string;
  actor: { type: string; organisationId?: string; keyId?: string };
  resource: { kind: string; id: string };
  reason: string;
  details: { fields?: string[] };
}

/**
 * Reads of personal data through intake's API are recorded in intake's audit chain (who, which
 * record, which fields, on which route), readable and exportable by coordinators' admins only.
 */
describe('intake: reads of personal data are audited', () => {
  let h: IntakeHarness;
  let police: TestOrganisation;
  let coordinator: TestOrganisation;
  let coordinatorAdmin: string;

  beforeAll(async () => {
    h = await IntakeHarness.start(['harbour.intake.operation.v1', 'harbour.intake.bed-request.v1']);
    police = await h.organisation('police_borough', [CAMDEN]);
    coordinator = await h.organisation('coordinator', ['pan_london']);
    coordinatorAdmin = await h.keyFor(coordinator.organisationId, ['admin']);
  });

  afterAll(async () => {
    await h.close();
  });

  async function created(path: string, body: unknown, idField: string): Promise<string> {
    const response = await h.post(path, body, police.key);
    if (response.status !== 202)
      throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return ((await response.json()) as Record<string, string>)[idField]!;
  }

  async function entriesAbout(id: string): Promise<AuditEntryBody[]> {
    const response = await h.get(`/v1/audit?action=personal_data.read&limit=500`, coordinatorAdmin);
    expect(response.status).toBe(200);
    const page = (await response.json()) as { chain: string; entries: AuditEntryBody[] };
    expect(page.chain).toBe('intake');
    return page.entries.filter((e) => e.resource.id === id);
  }

  it('records the planner reading an operation: its address and lead contact, by its key', async () => {
    const operationId = await created(
      '/v1/operations',
      {
        kind: 'raid',
        premisesKind: 'nail_bar',
        address: { line1: '17 Quennell Yard', postcode: 'nw1 2db' },
        borough: CAMDEN,
        plannedStart: inHours(30),
        plannedEnd: inHours(33),
        expectedPeople: { total: 3 },
        exploitationTypes: ['labour'],
        vulnerablePeopleLikely: true,
        leadContact: { name: 'DS Audit Reader', phone: '+44 20 7946 0002' },
      },
      'operationId',
    );
    expect((await h.get(`/v1/operations/${operationId}`, police.key)).status).toBe(200);

    const entries = await entriesAbout(operationId);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      action: 'personal_data.read',
      actor: { type: 'api_key', organisationId: police.organisationId },
      resource: { kind: 'operation', id: operationId },
      reason: 'GET /v1/operations/:id',
      details: { fields: ['address', 'leadContact'] },
    });
    // Ids and field names only: nothing the operation holds reaches the chain.
    expect(JSON.stringify(entries)).not.toMatch(/Quennell|Audit Reader|7946/);
  });

  it('records a bed request read with names, and nothing for a read without them or a refused one', async () => {
    const requestId = await created(
      '/v1/bed-requests',
      {
        person: {
          givenName: 'Auditmarker',
          familyName: 'Readsson',
          dateOfBirth: '1991-04-05',
          gender: 'female',
        },
        accompanyingChildren: 0,
        languages: ['en'],
        accessNeeds: [],
        supportLevel: 'emergency',
        nrmStage: 'pre_nrm',
        nrpf: false,
        urgency: { kind: 'tonight' },
        exclusionZones: { boroughs: [], around: [] },
        borough: CAMDEN,
      },
      'requestId',
    );
    const stranger = await h.organisation('police_borough', [CAMDEN]);
    expect((await h.get(`/v1/bed-requests/${requestId}`, stranger.key)).status).toBe(404);
    // The coordinator sees the request without the names: not a read of personal data.
    expect((await h.get(`/v1/bed-requests/${requestId}`, coordinator.key)).status).toBe(200);
    expect(await entriesAbout(requestId)).toEqual([]);

    expect((await h.get(`/v1/bed-requests/${requestId}`, police.key)).status).toBe(200);
    const entries = await entriesAbout(requestId);
    expect(entries.map((e) => [e.actor.organisationId, e.resource.kind, e.details.fields])).toEqual(
      [[police.organisationId, 'bed_request', ['person']]],
    );
    expect(JSON.stringify(entries)).not.toMatch(/Auditmarker|Readsson/);
  });

  it('serves the chain to coordinators’ admins only, exports it with its hashes, and it verifies', async () => {
    expect((await h.get('/v1/audit', police.key)).status).toBe(403);
    expect((await h.get('/v1/audit', coordinator.key)).status).toBe(403);
    expect((await h.get('/v1/audit?chain=notification', coordinatorAdmin)).status).toBe(400);

    const exported = await h.get('/v1/audit/export', coordinatorAdmin);
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    const lines = (await exported.text()).trim().split('\n');
    const views = lines.map((line) => JSON.parse(line) as AuditEntryView);
    expect(views.map((v) => v.action)).toContain('personal_data.read');
    // The export alone proves the chain: every entry follows on from, and links to, the one before.
    views.forEach((view, i) => {
      const entry = { ...view, at: new Date(view.at) };
      expect(chainBreakOf(entry, i === 0 ? null : views[i - 1]!)).toBeNull();
    });
  });
});
