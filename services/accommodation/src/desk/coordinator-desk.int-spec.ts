import {
  AccommodationHarness,
  CAMDEN,
  CROYDON,
  HACKNEY,
  needs,
  type TestOrganisation,
} from '../test-support/accommodation-harness';
import type { BedAvailabilityView } from './bed-availability';
import type { WaitingRequestsView } from './unmatched-requests';

jest.setTimeout(120_000);

const HOUR_MS = 3_600_000;

/**
 * The coordinator's desk over the real service: London's beds by gender, support level and
 * borough with how fresh each provider's figures are, and the bed requests nobody has taken.
 * Other suites publish bed requests on the shared topic, so only this suite's own properties
 * and requests are asserted on, found by id.
 */
describe('accommodation: the coordinator’s bed availability and waiting requests', () => {
  let h: AccommodationHarness;
  let coordinator: TestOrganisation;
  let provider: TestOrganisation;
  let otherProvider: TestOrganisation;
  let requester: TestOrganisation;
  const ids = { fresh: '', stale: '', male: '' };
  const requests = { matched: '', nobody: '' };
  const familyName = 'Desktestname';

  beforeAll(async () => {
    h = await AccommodationHarness.start('acc_desk');
    coordinator = await h.organisation('coordinator', ['read']);
    provider = await h.organisation('housing_provider');
    otherProvider = await h.organisation('housing_provider');
    requester = await h.organisation('police_borough', ['submit']);
    ids.fresh = await h.register(provider, {
      label: 'Desk fresh house',
      borough: HACKNEY,
      postcodeDistrict: 'E8',
      genderServed: 'female',
      supportLevel: 'move_on',
      beds: 5,
      availableBeds: 3,
    });
    ids.stale = await h.register(provider, {
      label: 'Desk stale house',
      borough: CROYDON,
      postcodeDistrict: 'CR0',
      genderServed: 'female',
      supportLevel: 'dispersed',
      beds: 4,
      availableBeds: 2,
    });
    // Not confirmed for 30 hours: stale (the window is 24).
    await h.db.query(
      `UPDATE "${h.schema}".property SET availability_confirmed_at = now() - interval '30 hours'
        WHERE id = $1`,
      [ids.stale],
    );
    ids.male = await h.register(otherProvider, {
      label: 'Desk full house',
      borough: CROYDON,
      postcodeDistrict: 'CR2',
      genderServed: 'male',
      supportLevel: 'move_on',
      beds: 2,
      availableBeds: 0,
    });

    const now = Date.now();
    // A woman's request the fresh house can take: an offer holds one of its beds.
    const matched = h.bedRequest(requester, {
      submittedAt: new Date(now - 2 * HOUR_MS).toISOString(),
      needs: needs({ ageYears: 31 }),
      person: { givenName: 'Desktest', familyName },
    });
    // A man's request nobody can take (the only male beds are full): unmatched at once.
    const nobody = h.bedRequest(requester, {
      submittedAt: new Date(now - HOUR_MS).toISOString(),
      needs: needs({ gender: 'male' }),
      exclusionZones: { boroughs: [CAMDEN], around: [] },
    });
    requests.matched = matched.requestId;
    requests.nobody = nobody.requestId;
    await h.publish('harbour.bed-request.submitted', matched);
    await h.publish('harbour.bed-request.submitted', nobody);
    await h.offers(matched.requestId);
    await h.events('harbour.bed-request.unmatched', nobody.requestId);
  });

  afterAll(async () => {
    await h.close();
  });

  const get = async <T>(path: string, key = coordinator.key): Promise<T> => {
    const response = await h.request('GET', path, key);
    expect([response.status, response.status === 200 ? '' : await response.text()]).toEqual([
      200,
      '',
    ]);
    return (await response.json()) as T;
  };

  it('counts beds by gender, support level and borough, and says whose figures are stale', async () => {
    const view = await get<BedAvailabilityView>('/v1/bed-availability');
    expect(view.staleAfterHours).toBe(24);
    const fresh = view.properties.find((p) => p.propertyId === ids.fresh);
    const stale = view.properties.find((p) => p.propertyId === ids.stale);
    const male = view.properties.find((p) => p.propertyId === ids.male);
    expect(fresh).toMatchObject({
      label: 'Desk fresh house',
      borough: HACKNEY,
      genderServed: 'female',
      supportLevel: 'move_on',
      beds: 5,
      availableBeds: 3,
      heldBeds: 1,
      freeBeds: 2,
      stale: false,
      hoursSinceConfirmed: 0,
    });
    expect(stale).toMatchObject({ freeBeds: 2, stale: true, hoursSinceConfirmed: 30 });
    expect(male).toMatchObject({ freeBeds: 0, stale: false });
    // Oldest confirmation first: the stale house before the fresh one.
    const order = view.properties.map((p) => p.propertyId);
    expect(order.indexOf(ids.stale)).toBeLessThan(order.indexOf(ids.fresh));

    // The provider with a stale property is named and flagged, with its latest confirmation.
    const ours = view.providers.find((p) => p.providerOrganisationId === provider.organisationId);
    expect(ours).toMatchObject({ properties: 2, freeBeds: 4, staleProperties: 1 });
    expect(ours?.providerName).toMatch(/^housing_provider_test/);
    expect(ours?.lastConfirmedAt).toBe(fresh?.availabilityConfirmedAt);
    expect(ours?.oldestConfirmedAt).toBe(stale?.availabilityConfirmedAt);

    // Every breakdown adds up to the totals (whatever other suites registered here).
    const sum = (rows: { freeBeds: number; properties: number; freeBedsStale: number }[]) =>
      rows.reduce(
        (total, row) => ({
          freeBeds: total.freeBeds + row.freeBeds,
          properties: total.properties + row.properties,
          freeBedsStale: total.freeBedsStale + row.freeBedsStale,
        }),
        { freeBeds: 0, properties: 0, freeBedsStale: 0 },
      );
    const totals = {
      freeBeds: view.totals.freeBeds,
      properties: view.totals.properties,
      freeBedsStale: view.totals.freeBedsStale,
    };
    expect(sum(view.byGender)).toEqual(totals);
    expect(sum(view.byType)).toEqual(totals);
    expect(sum(view.boroughs)).toEqual(totals);
    expect(view.totals.properties).toBe(view.properties.length);
    expect(view.totals.freeBeds).toBe(view.properties.reduce((n, p) => n + p.freeBeds, 0));
    const croydon = view.boroughs.find((b) => b.borough === CROYDON);
    expect(croydon?.freeByGender.female).toBeGreaterThanOrEqual(2);
    expect(croydon?.staleProperties).toBeGreaterThanOrEqual(1);
    expect(
      view.byType.find((t) => t.genderServed === 'female' && t.supportLevel === 'dispersed'),
    ).toMatchObject({ staleProperties: expect.any(Number) as number });

    // No postcode district, no address, no person.
    const text = JSON.stringify(view);
    expect(text).not.toContain('postcodeDistrict');
    expect(text).not.toContain('"E8"');
    expect(text).not.toContain('CR0');
    expect(text).not.toContain(familyName);
  });

  it('lists open and unmatched requests oldest first, with needs, waiting time and offers tried, never names', async () => {
    const view = await get<WaitingRequestsView>('/v1/waiting-bed-requests?limit=100');
    const ours = view.requests.filter((r) => Object.values(requests).includes(r.requestId));
    expect(ours.map((r) => r.requestId)).toEqual([requests.matched, requests.nobody]);
    const [matched, nobody] = ours;
    expect(matched).toMatchObject({
      state: 'open',
      borough: CAMDEN,
      requestedBy: { organisationId: requester.organisationId, organisationKind: 'police_borough' },
      needs: { gender: 'female', ageGroup: 'adult', supportLevel: 'move_on' },
      urgency: { kind: 'planned' },
      offers: { total: 1, open: 1, declined: 0, expired: 0, withdrawn: 0 },
      closedAt: null,
    });
    expect(matched?.requestedBy.name).toMatch(/^police_borough_test/);
    expect(matched?.waitingSeconds).toBeGreaterThanOrEqual(2 * 3600);
    expect(matched?.offers.lastOfferedAt).not.toBeNull();
    expect(nobody).toMatchObject({
      state: 'unmatched',
      needs: { gender: 'male' },
      offers: { total: 0, open: 0, lastOfferedAt: null },
      closedReason: 'no_matching_vacancy',
    });
    // Waiting until matching gave up, not until now.
    expect(nobody?.waitingSeconds).toBeGreaterThanOrEqual(3600);
    expect(nobody?.waitingSeconds).toBeLessThan(3600 + 600);
    const text = JSON.stringify(view);
    expect(text).not.toContain(familyName);
    expect(text).not.toContain('Desktest');
    expect(text).not.toContain('ageYears');
    expect(text).not.toContain('exclusionZones');

    // Oldest first across the whole list.
    const submitted = view.requests.map((r) => r.submittedAt);
    expect([...submitted].sort()).toEqual(submitted);

    // One state at a time, and a page at a time.
    const open = await get<WaitingRequestsView>('/v1/waiting-bed-requests?state=open&limit=100');
    expect(open.requests.every((r) => r.state === 'open')).toBe(true);
    expect(open.requests.map((r) => r.requestId)).toContain(requests.matched);
    expect(open.requests.map((r) => r.requestId)).not.toContain(requests.nobody);
    const first = await get<WaitingRequestsView>('/v1/waiting-bed-requests?limit=1');
    expect(first.requests).toHaveLength(1);
    expect(first.total).toBe(view.total);
    expect(first.nextOffset).toBe(view.total > 1 ? 1 : null);
    const beyond = await get<WaitingRequestsView>('/v1/waiting-bed-requests?offset=100000');
    expect(beyond).toMatchObject({ requests: [], total: view.total, nextOffset: null });
  });

  it('is the coordinator’s alone: 401 without a key, 403 for providers, requesters and a coordinator key without read', async () => {
    const coordinatorRespond = await h.organisation('coordinator', ['respond']);
    for (const path of ['/v1/bed-availability', '/v1/waiting-bed-requests']) {
      const anonymous = await fetch(`${h.baseUrl}${path}`);
      expect(anonymous.status).toBe(401);
      for (const key of [provider.key, requester.key, coordinatorRespond.key]) {
        const response = await h.request('GET', path, key);
        expect([path, response.status]).toEqual([path, 403]);
      }
    }
  });

  it('refuses hostile and malformed queries with a 400 naming the parameter', async () => {
    const cases: [string, string][] = [
      ['limit=0', 'query:limit'],
      ['limit=101', 'query:limit'],
      ['limit=abc', 'query:limit'],
      ['limit=1&limit=2', 'query:limit'],
      ['offset=-1', 'query:offset'],
      ['offset=1e3', 'query:offset'],
      ['state=placed', 'query:state'],
      ["state=open'%20OR%201=1--", 'query:state'],
      ['state[$ne]=open', 'query:state[$ne]'],
      ['orderBy=submitted_at', 'query:orderBy'],
    ];
    for (const [query, pointer] of cases) {
      const response = await h.request('GET', `/v1/waiting-bed-requests?${query}`, coordinator.key);
      const body = (await response.json()) as { errors?: { pointer: string }[] };
      expect([query, response.status, body.errors?.map((e) => e.pointer)]).toEqual([
        query,
        400,
        [pointer],
      ]);
    }
  });
});
