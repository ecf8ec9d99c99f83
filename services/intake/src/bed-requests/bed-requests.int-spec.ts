import { LONDON_AUTHORITIES } from '@harbour/london';
import { uniqueName } from '@harbour/testing';
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
const NAMES = /Ilir|Hoxha|1990-02-03/;

const bedRequest = (overrides: Record<string, unknown> = {}) => ({
  person: {
    givenName: 'Ilir',
    familyName: 'Hoxha',
    dateOfBirth: '1990-02-03',
    gender: 'male',
  },
  accompanyingChildren: 0,
  languages: ['sq'],
  accessNeeds: ['step_free'],
  supportLevel: 'emergency',
  nrmStage: 'pre_nrm',
  nrpf: true,
  urgency: { kind: 'tonight' },
  exclusionZones: {
    boroughs: [ISLINGTON],
    around: [{ postcode: 'nw1 2db', borough: CAMDEN, radiusKm: 3 }],
  },
  borough: CAMDEN,
  ...overrides,
});

interface Answer {
  requestId: string;
  status: string;
  needs: Record<string, unknown>;
  urgency: { kind: string; neededBy: string; matchBy: string };
  location: string;
}

describe('intake: bed requests', () => {
  let h: IntakeHarness;
  let camdenPolice: TestOrganisation;
  let islingtonPolice: TestOrganisation;
  let coordinator: TestOrganisation;
  let islingtonCoordinator: TestOrganisation;
  let housing: TestOrganisation;
  let readOnlyKey: string;

  beforeAll(async () => {
    h = await IntakeHarness.start(['harbour.intake.bed-request.v1']);
    camdenPolice = await h.organisation('police_borough', [CAMDEN]);
    islingtonPolice = await h.organisation('police_borough', [ISLINGTON]);
    coordinator = await h.organisation('coordinator', ['pan_london']);
    islingtonCoordinator = await h.organisation('coordinator', [ISLINGTON]);
    housing = await h.organisation('housing_provider', [CAMDEN]);
    readOnlyKey = await h.keyFor(camdenPolice.organisationId, ['read']);
  });

  afterAll(async () => {
    await h.close();
  });

  async function request(body: unknown = bedRequest(), key = camdenPolice.key): Promise<string> {
    const response = await h.post('/v1/bed-requests', body, key);
    expect(response.status).toBe(202);
    return ((await response.json()) as Answer).requestId;
  }

  async function storedRow(requestId: string): Promise<Record<string, unknown>> {
    const result = await h.db.query<{ row: Record<string, unknown> }>(
      `SELECT row_to_json(b) AS row FROM "${h.schema}".bed_request b WHERE id = $1`,
      [requestId],
    );
    return result.rows[0]!.row;
  }

  it('a man needing a bed tonight: 202 without names, the event with them, stored encrypted', async () => {
    const response = await h.post('/v1/bed-requests', bedRequest(), camdenPolice.key);
    expect(response.status).toBe(202);
    const body = (await response.json()) as Answer;
    const location = `/v1/bed-requests/${body.requestId}`;
    expect(response.headers.get('location')).toBe(location);
    const needs = {
      gender: 'male',
      ageGroup: 'adult',
      ageYears: expect.any(Number) as unknown,
      accompanyingChildren: 0,
      languages: ['sq'],
      accessNeeds: ['step_free'],
      supportLevel: 'emergency',
      nrmStage: 'pre_nrm',
      nrpf: true,
    };
    expect(body).toEqual({
      requestId: expect.any(String) as unknown,
      status: 'accepted',
      needs,
      urgency: {
        kind: 'tonight',
        neededBy: expect.any(String) as unknown,
        matchBy: expect.any(String) as unknown,
      },
      location,
    });
    expect(JSON.stringify(body)).not.toMatch(NAMES);
    // Tonight: matching gets the configured window (6 hours by default) from now.
    const { neededBy, matchBy } = body.urgency;
    expect(Date.parse(matchBy) - Date.parse(neededBy)).toBe(6 * HOUR_MS);

    const event = await h.published('harbour.bed-request.submitted', body.requestId);
    expect(event.data).toEqual({
      requestId: body.requestId,
      submittedBy: {
        organisationId: camdenPolice.organisationId,
        organisationKind: 'police_borough',
      },
      submittedAt: neededBy,
      borough: CAMDEN,
      needs,
      urgency: body.urgency,
      exclusionZones: {
        boroughs: [ISLINGTON],
        around: [{ postcode: 'NW1 2DB', borough: CAMDEN, radiusKm: 3 }],
      },
      person: { givenName: 'Ilir', familyName: 'Hoxha', dateOfBirth: '1990-02-03' },
    });

    const row = await storedRow(body.requestId);
    const { person_encrypted: personal, ...clear } = row;
    expect(JSON.stringify(clear)).not.toMatch(NAMES);
    expect(personal).toEqual(expect.any(String));
    expect(personal).not.toMatch(NAMES);
    expect(h.cipher.decryptJson(personal as string, 'bed_request.person')).toEqual({
      givenName: 'Ilir',
      familyName: 'Hoxha',
      dateOfBirth: '1990-02-03',
    });

    // The names are the requester's to read; coordinators see the request without them.
    const own = await h.get(location, camdenPolice.key);
    expect(own.status).toBe(200);
    expect(await own.json()).toEqual({
      requestId: body.requestId,
      status: 'submitted',
      submittedBy: {
        organisationId: camdenPolice.organisationId,
        organisationKind: 'police_borough',
      },
      submittedAt: neededBy,
      borough: CAMDEN,
      needs,
      urgency: body.urgency,
      exclusionZones: {
        boroughs: [ISLINGTON],
        around: [{ postcode: 'NW1 2DB', borough: CAMDEN, radiusKm: 3 }],
      },
      person: { givenName: 'Ilir', familyName: 'Hoxha', dateOfBirth: '1990-02-03' },
    });
    expect((await h.get(location, readOnlyKey)).status).toBe(200);
    const asCoordinator = await h.get(location, coordinator.key);
    expect(asCoordinator.status).toBe(200);
    const coordinatorView = (await asCoordinator.json()) as Record<string, unknown>;
    expect(coordinatorView).toMatchObject({ requestId: body.requestId, needs });
    expect(coordinatorView).not.toHaveProperty('person');
    expect(JSON.stringify(coordinatorView)).not.toMatch(NAMES);
    expect((await h.get(location, islingtonPolice.key)).status).toBe(404);
    expect((await h.get(location, housing.key)).status).toBe(404);
  });

  it('without names: no person anywhere; a planned move stops matching a day before', async () => {
    const neededBy = inHours(14 * 24);
    const response = await h.post(
      '/v1/bed-requests',
      bedRequest({
        person: { gender: 'female', ageYears: 17, ageDisputed: true },
        accompanyingChildren: 1,
        supportLevel: 'move_on',
        urgency: { kind: 'planned', neededBy },
      }),
      camdenPolice.key,
    );
    expect(response.status).toBe(202);
    const body = (await response.json()) as Answer;
    expect(body.needs).toMatchObject({ ageGroup: 'child_16_17', ageYears: 17 });
    expect(body.urgency).toEqual({
      kind: 'planned',
      neededBy: new Date(neededBy).toISOString(),
      matchBy: new Date(Date.parse(neededBy) - 24 * HOUR_MS).toISOString(),
    });
    const event = await h.published('harbour.bed-request.submitted', body.requestId);
    expect(event.data).not.toHaveProperty('person');
    expect((await storedRow(body.requestId))['person_encrypted']).toBeNull();
    const view = (await (await h.get(body.location, camdenPolice.key)).json()) as object;
    expect(view).not.toHaveProperty('person');
  });

  it('refuses bad requests with a 400 naming the field, storing nothing', async () => {
    const before = { requests: await h.count('bed_request'), outbox: await h.outboxCount() };
    const person = (extra: Record<string, unknown>) => ({ gender: 'male', ...extra });
    const allBoroughs = LONDON_AUTHORITIES.map((a) => a.gss);
    const cases: [string, unknown, string[]][] = [
      [
        'a 12-year-old asked for as an adult',
        bedRequest({ person: person({ ageYears: 12, ageGroup: 'adult' }) }),
        ['/person/ageGroup'],
      ],
      [
        'ageYears disagreeing with the date of birth',
        bedRequest({ person: person({ dateOfBirth: '1990-02-03', ageYears: 20 }) }),
        ['/person/ageYears'],
      ],
      [
        'a date of birth in the future',
        bedRequest({ person: person({ dateOfBirth: '2999-01-01' }) }),
        ['/person/dateOfBirth'],
      ],
      [
        'within days without neededBy',
        bedRequest({ urgency: { kind: 'within_days' } }),
        ['/urgency/neededBy'],
      ],
      [
        'neededBy in the past',
        bedRequest({ urgency: { kind: 'within_days', neededBy: inHours(-1) } }),
        ['/urgency/neededBy'],
      ],
      [
        'neededBy more than 180 days ahead',
        bedRequest({ urgency: { kind: 'planned', neededBy: inHours(181 * 24) } }),
        ['/urgency/neededBy'],
      ],
      [
        'every borough excluded',
        bedRequest({ exclusionZones: { boroughs: allBoroughs, around: [] } }),
        ['/exclusionZones/boroughs'],
      ],
      [
        'a circle around a Manchester postcode',
        bedRequest({
          exclusionZones: {
            boroughs: [],
            around: [{ postcode: 'M1 1AA', borough: CAMDEN, radiusKm: 2 }],
          },
        }),
        ['/exclusionZones/around/0/postcode'],
      ],
      [
        'an unknown excluded borough',
        bedRequest({ exclusionZones: { boroughs: ['E09000099'], around: [] } }),
        ['/exclusionZones/boroughs/0'],
      ],
      ['an unknown borough', bedRequest({ borough: 'E09000034' }), ['/borough']],
      [
        'a referral Harbour does not know',
        bedRequest({ referralId: '00000000-0000-4000-8000-000000000001' }),
        ['/referralId'],
      ],
      ['an unknown field', { ...bedRequest(), victimName: 'Ilir' }, ['/victimName']],
    ];
    for (const [name, body, pointers] of cases) {
      const response = await h.post('/v1/bed-requests', body, camdenPolice.key);
      expect([name, await problemPointers(response)]).toEqual([name, pointers]);
    }
    const manchester = await h.post(
      '/v1/bed-requests',
      bedRequest({
        exclusionZones: {
          boroughs: [],
          around: [{ postcode: 'M1 1AA', borough: CAMDEN, radiusKm: 2 }],
        },
      }),
      camdenPolice.key,
    );
    expect(JSON.stringify(await manchester.json())).toContain('unknown postcode: M1 1AA');
    expect(await h.count('bed_request')).toBe(before.requests);
    expect(await h.outboxCount()).toBe(before.outbox);
  });

  it('requesters serving the borough only (coordinators anywhere): others 403, unknown keys 401', async () => {
    const before = await h.count('bed_request');
    expect((await h.post('/v1/bed-requests', bedRequest(), housing.key)).status).toBe(403);
    expect((await h.post('/v1/bed-requests', bedRequest(), readOnlyKey)).status).toBe(403);
    expect((await h.post('/v1/bed-requests', bedRequest(), islingtonPolice.key)).status).toBe(403);
    expect((await h.post('/v1/bed-requests', bedRequest(), undefined)).status).toBe(401);
    expect(await h.count('bed_request')).toBe(before);
    await request(bedRequest(), coordinator.key);
    await request(bedRequest(), islingtonCoordinator.key);
    expect(await h.count('bed_request')).toBe(before + 2);
  });

  it('withdrawal: the requester only, once; the event tells accommodation', async () => {
    const requestId = await request();
    const path = `/v1/bed-requests/${requestId}/withdrawal`;
    const reason = { reason: 'placed_elsewhere' };
    const before = await h.outboxCount();
    expect((await h.post(path, reason, islingtonPolice.key)).status).toBe(404);
    expect((await h.post(path, reason, coordinator.key)).status).toBe(404);
    expect((await h.post(path, reason, housing.key)).status).toBe(403);
    expect((await h.post(path, reason, readOnlyKey)).status).toBe(403);
    expect(
      await problemPointers(await h.post(path, { reason: 'bored' }, camdenPolice.key)),
    ).toEqual(['/reason']);
    expect(await h.outboxCount()).toBe(before);

    const withdrawn = await h.post(path, reason, camdenPolice.key);
    expect(withdrawn.status).toBe(201);
    expect(withdrawn.headers.get('location')).toBe(`/v1/bed-requests/${requestId}`);
    const body = (await withdrawn.json()) as { withdrawnAt: string };
    expect(body).toEqual({
      requestId,
      status: 'withdrawn',
      withdrawnAt: expect.any(String) as unknown,
      reason: 'placed_elsewhere',
    });
    const event = await h.published('harbour.bed-request.withdrawn', requestId);
    expect(event.data).toEqual({
      requestId,
      withdrawnBy: {
        organisationId: camdenPolice.organisationId,
        organisationKind: 'police_borough',
      },
      withdrawnAt: body.withdrawnAt,
      reason: 'placed_elsewhere',
    });

    const again = await h.post(path, { reason: 'other' }, camdenPolice.key);
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
    expect(await h.outboxCount()).toBe(before + 1);
    const view = (await (
      await h.get(`/v1/bed-requests/${requestId}`, coordinator.key)
    ).json()) as object;
    expect(view).toMatchObject({
      status: 'withdrawn',
      withdrawal: { withdrawnAt: body.withdrawnAt, reason: 'placed_elsewhere' },
    });
  });

  it('replays the first answer for a repeated Idempotency-Key, even when sent concurrently', async () => {
    const before = { requests: await h.count('bed_request'), outbox: await h.outboxCount() };
    const key = { 'idempotency-key': uniqueName('bed-request') };
    const responses = await Promise.all(
      [1, 2, 3].map(() => h.post('/v1/bed-requests', bedRequest(), camdenPolice.key, key)),
    );
    expect(responses.map((r) => r.status)).toEqual([202, 202, 202]);
    expect(new Set(await Promise.all(responses.map((r) => r.text()))).size).toBe(1);
    expect(responses.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(
      2,
    );
    expect(await h.count('bed_request')).toBe(before.requests + 1);
    expect(await h.outboxCount()).toBe(before.outbox + 1);
    const stored = await h.db.query<{ response_body: unknown }>(
      `SELECT response_body FROM "${h.schema}".idempotency_record`,
    );
    expect(JSON.stringify(stored.rows)).not.toMatch(NAMES);
  });

  describe('linked to a referral', () => {
    const referral = (nrm: boolean) => ({
      person: { givenName: 'Ilir', familyName: 'Hoxha', gender: 'male', ageEstimateYears: 30 },
      exploitationTypes: ['labour'],
      borough: CAMDEN,
      responder: { name: 'PC Responder' },
      consent: { nrm },
    });

    async function refer(nrm: boolean): Promise<string> {
      const response = await h.post('/v1/referrals', referral(nrm), camdenPolice.key);
      expect(response.status).toBe(202);
      return ((await response.json()) as { referralId: string }).referralId;
    }

    it('an NRM referral: linked, in the event and the view', async () => {
      const referralId = await refer(true);
      const requestId = await request(bedRequest({ referralId }));
      const event = await h.published('harbour.bed-request.submitted', requestId);
      expect(event.data).toMatchObject({ referralId, person: { givenName: 'Ilir' } });
      const view = await (await h.get(`/v1/bed-requests/${requestId}`, camdenPolice.key)).json();
      expect(view).toMatchObject({ referralId });
    });

    it("another organisation's referral is answered like an unknown id, named or not", async () => {
      const unknown = await h.post(
        '/v1/bed-requests',
        bedRequest({ referralId: '00000000-0000-4000-8000-000000000002' }),
        camdenPolice.key,
      );
      const unknownAnswer = await unknown.json();
      const before = await h.count('bed_request');
      for (const nrm of [true, false]) {
        const referralId = await refer(nrm);
        // Islington police ask from their own borough (the borough check comes first), naming
        // the referral Camden police made.
        const response = await h.post(
          '/v1/bed-requests',
          bedRequest({ referralId, borough: ISLINGTON }),
          islingtonPolice.key,
        );
        expect(response.status).toBe(400);
        expect(await response.json()).toEqual(unknownAnswer);
      }
      expect(await h.count('bed_request')).toBe(before);
    });

    it('a Duty to Notify record: no names may be linked to it', async () => {
      const referralId = await refer(false);
      const before = await h.count('bed_request');
      const named = await h.post(
        '/v1/bed-requests',
        bedRequest({ referralId, nrmStage: 'not_in_nrm' }),
        camdenPolice.key,
      );
      expect(await problemPointers(named)).toEqual([
        '/person/dateOfBirth',
        '/person/familyName',
        '/person/givenName',
      ]);
      expect(await h.count('bed_request')).toBe(before);
      const requestId = await request(
        bedRequest({ referralId, nrmStage: 'not_in_nrm', person: { gender: 'male' } }),
      );
      const event = await h.published('harbour.bed-request.submitted', requestId);
      expect(event.data).toMatchObject({ referralId });
      expect(event.data).not.toHaveProperty('person');
    });
  });
});
