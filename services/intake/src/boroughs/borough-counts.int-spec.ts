import {
  CAMDEN,
  IntakeHarness,
  ISLINGTON,
  problemPointers,
  type TestOrganisation,
} from '../test-support/intake-harness';
import type { BoroughCountsView, BoroughFigures } from './borough-counts';

jest.setTimeout(90_000);

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** The period under test, [T, T + 1 day): rows are moved to instants around its edges. */
const T = Date.parse('2031-03-01T00:00:00.000Z');
const at = (ms: number) => new Date(ms).toISOString();
const inHours = (hours: number) => at(Date.now() + hours * HOUR_MS);
const PERIOD = `from=${at(T)}&to=${at(T + DAY_MS)}`;

const raid = (borough: string) => ({
  kind: 'raid',
  premisesKind: 'car_wash',
  address: { line1: '1 Counting Yard', postcode: 'NW1 7AA' },
  borough,
  plannedStart: inHours(20),
  plannedEnd: inHours(23),
  expectedPeople: { total: 2 },
  exploitationTypes: ['labour'],
  vulnerablePeopleLikely: true,
  leadContact: { name: 'DS Counter', phone: '+44 20 7946 0102', email: 'counter@police.example' },
});

const missing = (borough: string, ageYears: number) => ({
  child: { ageYears, ageDisputed: false, gender: 'female', givenName: 'Counted' },
  traffickingMarkers: ['suspected_exploitation'],
  borough,
  riskGrade: 'medium',
  lastSeenAt: inHours(-1),
});

const referral = (borough: string) => ({
  person: {
    givenName: 'Tallied',
    familyName: 'Person',
    dateOfBirth: '1990-05-01',
    gender: 'male',
    languages: ['ro'],
  },
  exploitationTypes: ['labour'],
  borough,
  locations: [],
  indicators: ['debt bondage'],
  responder: { name: 'PC Tally', phone: '+44 20 7946 0003', email: 'tally@example.org' },
  consent: { nrm: true, shareWith: ['ngo'] },
});

/**
 * `GET /v1/boroughs/counts`: the London map's intake layers by borough over a period, on the
 * real intake app and Postgres. Records are made through the API, then moved to instants on
 * either side of the period's edges: from is in, to is out.
 */
describe('intake: counts by borough for the coordinator’s map', () => {
  let h: IntakeHarness;
  let camden: TestOrganisation;
  let islington: TestOrganisation;
  let coordinatorRead: string;

  /** Makes a record through the API and moves its time column to `when`. */
  async function made(
    path: string,
    body: unknown,
    who: TestOrganisation,
    idField: string,
  ): Promise<string> {
    const response = await h.post(path, body, who.key, { 'idempotency-key': crypto.randomUUID() });
    if (response.status !== 202) throw new Error(`${path}: ${await response.text()}`);
    return ((await response.json()) as Record<string, string>)[idField]!;
  }

  async function move(table: string, column: string, id: string, when: number): Promise<void> {
    await h.db.query(`UPDATE "${h.schema}".${table} SET ${column} = $1 WHERE id = $2`, [
      at(when),
      id,
    ]);
  }

  async function counts(query: string, key = coordinatorRead): Promise<BoroughCountsView> {
    const response = await h.get(`/v1/boroughs/counts?${query}`, key);
    if (response.status !== 200) throw new Error(`${response.status}: ${await response.text()}`);
    return (await response.json()) as BoroughCountsView;
  }

  beforeAll(async () => {
    h = await IntakeHarness.start(['harbour.intake.operation.v1']);
    camden = await h.organisation('police_borough', [CAMDEN]);
    islington = await h.organisation('police_borough', [ISLINGTON]);
    const coordinator = await h.organisation('coordinator', ['pan_london'], ['read']);
    coordinatorRead = coordinator.key;

    // Operations planned (recorded): Camden's at T (in), T + 1 day - 1 ms (in), T - 1 ms (out), T + 1 day (out)
    // and a cancelled one at T + 1 hour (not counted); Islington's at T + 2 hours (in).
    for (const when of [T, T + DAY_MS - 1, T - 1, T + DAY_MS]) {
      const id = await made('/v1/operations', raid(CAMDEN), camden, 'operationId');
      await move('operation', 'planned_at', id, when);
    }
    const cancelled = await made('/v1/operations', raid(CAMDEN), camden, 'operationId');
    const cancellation = await h.post(
      `/v1/operations/${cancelled}/cancellation`,
      { reason: 'called off' },
      camden.key,
    );
    expect(cancellation.status).toBe(201);
    await move('operation', 'planned_at', cancelled, T + HOUR_MS);
    const theirs = await made('/v1/operations', raid(ISLINGTON), islington, 'operationId');
    await move('operation', 'planned_at', theirs, T + 2 * HOUR_MS);

    // Missing episodes: Camden children at T (in) and T + 1 day (out), a Camden adult at
    // T + 1 hour (not a child); an Islington child at T + 3 hours (in), since found.
    for (const [borough, age, when] of [
      [CAMDEN, 14, T],
      [CAMDEN, 15, T + DAY_MS],
      [CAMDEN, 19, T + HOUR_MS],
      [ISLINGTON, 12, T + 3 * HOUR_MS],
    ] as const) {
      const who = borough === CAMDEN ? camden : islington;
      const id = await made('/v1/missing-episodes', missing(borough, age), who, 'episodeId');
      if (borough === ISLINGTON) {
        const found = await h.post(
          `/v1/missing-episodes/${id}/found`,
          { foundAt: new Date().toISOString() },
          who.key,
        );
        expect(found.status).toBe(201);
      }
      await move('missing_episode', 'reported_at', id, when);
    }

    // Referrals: Camden's at T + 5 hours (in) and T - 1 ms (out); Islington's at T + 1 day - 1 ms.
    for (const [who, borough, when] of [
      [camden, CAMDEN, T + 5 * HOUR_MS],
      [camden, CAMDEN, T - 1],
      [islington, ISLINGTON, T + DAY_MS - 1],
    ] as const) {
      const id = await made('/v1/referrals', referral(borough), who, 'referralId');
      await move('referral', 'submitted_at', id, when);
    }
  });

  afterAll(async () => {
    await h.close();
  });

  const zero = { operations: 0, missingChildren: 0, missingChildrenStillMissing: 0, referrals: 0 };

  it('counts each layer by borough, from inclusive and to exclusive, all 33 authorities listed', async () => {
    const view = await counts(PERIOD);
    expect(view).toMatchObject({ from: at(T), to: at(T + DAY_MS) });
    expect(view.boroughs).toHaveLength(33);
    const of = (gss: string) => view.boroughs.find((b) => b.gss === gss);
    expect(of(CAMDEN)).toEqual<BoroughFigures>({
      gss: CAMDEN,
      name: 'Camden',
      operations: 2,
      missingChildren: 1,
      missingChildrenStillMissing: 1,
      referrals: 1,
    });
    expect(of(ISLINGTON)).toEqual<BoroughFigures>({
      gss: ISLINGTON,
      name: 'Islington',
      operations: 1,
      missingChildren: 1,
      missingChildrenStillMissing: 0,
      referrals: 1,
    });
    for (const borough of view.boroughs.filter((b) => b.gss !== CAMDEN && b.gss !== ISLINGTON)) {
      expect(borough).toMatchObject(zero);
    }
    // GSS order, as the map and its table list them.
    expect(view.boroughs.map((b) => b.gss)).toEqual(view.boroughs.map((b) => b.gss).sort());

    // A day later: only what was at T + 1 day and after.
    const next = await counts(`from=${at(T + DAY_MS)}&to=${at(T + 2 * DAY_MS)}`);
    expect(next.boroughs.find((b) => b.gss === CAMDEN)).toMatchObject({
      operations: 1,
      missingChildren: 1,
      referrals: 0,
    });
    // One millisecond earlier takes in the records at T - 1 ms and leaves those at T + 1 day - 1 ms.
    const earlier = await counts(`from=${at(T - 1)}&to=${at(T + DAY_MS - 1)}`);
    expect(earlier.boroughs.find((b) => b.gss === CAMDEN)).toMatchObject({
      operations: 2,
      referrals: 2,
    });
    expect(earlier.boroughs.find((b) => b.gss === ISLINGTON)).toMatchObject({ referrals: 0 });
  });

  it('defaults to the 30 days before now, and takes up to 366 days', async () => {
    const before = Date.now();
    const view = await counts('');
    const to = Date.parse(view.to);
    expect(to).toBeGreaterThanOrEqual(before);
    expect(to - Date.parse(view.from)).toBe(30 * DAY_MS);
    // The records were moved to 2031: none is in the last 30 days.
    for (const borough of view.boroughs) expect(borough).toMatchObject(zero);
    const year = await counts(`from=${at(T - 365 * DAY_MS)}&to=${at(T + DAY_MS)}`);
    expect(year.boroughs.find((b) => b.gss === CAMDEN)).toMatchObject({ operations: 3 });
    const fromOnly = await counts(`to=${at(T + DAY_MS)}`);
    expect(Date.parse(fromOnly.from)).toBe(T + DAY_MS - 30 * DAY_MS);
  });

  it('refuses a bad period with a problem naming the parameter', async () => {
    const cases: [string, string][] = [
      ['from=yesterday', 'query:from'],
      ['to=2031-13-01', 'query:to'],
      ['to=2031-03-01T10:00', 'query:to'],
      [`from=${at(T + DAY_MS)}&to=${at(T)}`, 'query:from'],
      [`from=${at(T)}&to=${at(T)}`, 'query:from'],
      [`from=${at(T - 366 * DAY_MS - 1)}&to=${at(T)}`, 'query:from'],
    ];
    for (const [query, pointer] of cases) {
      const response = await h.get(`/v1/boroughs/counts?${query}`, coordinatorRead);
      expect([query, await problemPointers(response)]).toEqual([query, [pointer]]);
    }
  });

  it('is for coordinators with a read or admin key only', async () => {
    const coordinator = await h.organisation('coordinator', ['pan_london'], ['admin']);
    expect((await h.get(`/v1/boroughs/counts?${PERIOD}`, coordinator.key)).status).toBe(200);
    const submitOnly = await h.keyFor(coordinator.organisationId, ['submit']);
    expect((await h.get(`/v1/boroughs/counts?${PERIOD}`, submitOnly)).status).toBe(403);
    const policeRead = await h.keyFor(camden.organisationId, ['read']);
    expect((await h.get(`/v1/boroughs/counts?${PERIOD}`, policeRead)).status).toBe(403);
    const council = await h.organisation('local_authority', [CAMDEN], ['read']);
    expect((await h.get(`/v1/boroughs/counts?${PERIOD}`, council.key)).status).toBe(403);
    expect((await h.get(`/v1/boroughs/counts?${PERIOD}`, 'hbr_not-a-key')).status).toBe(401);
  });

  it('reads no personal data: counting records no personal-data read', async () => {
    await counts(PERIOD);
    const admin = await h.organisation('coordinator', ['pan_london'], ['admin']);
    const response = await h.get('/v1/audit?action=personal_data.read&limit=500', admin.key);
    expect(response.status).toBe(200);
    const { entries } = (await response.json()) as { entries: { reason: string }[] };
    expect(entries.filter((e) => e.reason.includes('/v1/boroughs'))).toEqual([]);
  });
});
