import {
  AccommodationHarness,
  CAMDEN,
  type TestOrganisation,
} from '../test-support/accommodation-harness';

jest.setTimeout(120_000);

/** Real parallel HTTP calls, each its own transaction on its own connection. */
describe('accommodation: no bed is ever double-booked (parallel acceptances)', () => {
  let h: AccommodationHarness;
  let requester: TestOrganisation;

  beforeAll(async () => {
    h = await AccommodationHarness.start('acc_races', { ACCOMMODATION_OFFER_FANOUT: '10' });
    requester = await h.organisation('police_borough', ['submit'], [CAMDEN]);
  });

  afterAll(async () => {
    await h.close();
  });

  beforeEach(async () => {
    await h.retireProperties();
  });

  const accept = (who: TestOrganisation, offerId: string) =>
    h.request('POST', `/v1/offers/${offerId}/decision`, who.key, { decision: 'accept' });

  it('ten providers accept ten offers of one request at once: exactly one placement, nine 409s', async () => {
    const providers: TestOrganisation[] = [];
    for (let i = 0; i < 10; i += 1) {
      const provider = await h.organisation('housing_provider');
      await h.register(provider, { availableBeds: 1 });
      providers.push(provider);
    }
    const request = h.bedRequest(requester);
    await h.publish('harbour.bed-request.submitted', request);
    const offers = await h.offers(request.requestId, 10);
    const byProvider = new Map(providers.map((p) => [p.organisationId, p]));
    const answers = await Promise.all(
      offers.map((offer) => accept(byProvider.get(offer.provider_organisation_id)!, offer.id)),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
    const placements = await h.db.query(
      `SELECT id FROM "${h.schema}".placement WHERE request_id = $1`,
      [request.requestId],
    );
    expect(placements.rows).toHaveLength(1);
    const states = await h.db.query<{ state: string; n: number }>(
      `SELECT state, count(*)::int AS n FROM "${h.schema}".offer WHERE request_id = $1
        GROUP BY state ORDER BY state`,
      [request.requestId],
    );
    expect(states.rows).toEqual([
      { state: 'accepted', n: 1 },
      { state: 'withdrawn', n: 9 },
    ]);
    const beds = await h.db.query<{ taken: number }>(
      `SELECT count(*) FILTER (WHERE available_beds = 0)::int AS taken
         FROM "${h.schema}".property WHERE provider_organisation_id = ANY($1::uuid[])`,
      [providers.map((p) => p.organisationId)],
    );
    expect(beds.rows[0]).toEqual({ taken: 1 });
  });

  it('two requests hold the last bed of one property and both accept at once: one placement, never below zero', async () => {
    for (let round = 0; round < 5; round += 1) {
      await h.retireProperties();
      const provider = await h.organisation('housing_provider');
      const propertyId = await h.register(provider, { beds: 2, availableBeds: 2 });
      const first = h.bedRequest(requester);
      const second = h.bedRequest(requester);
      await h.publish('harbour.bed-request.submitted', first);
      const [firstOffer] = await h.offers(first.requestId, 1);
      await h.publish('harbour.bed-request.submitted', second);
      const [secondOffer] = await h.offers(second.requestId, 1);
      expect(secondOffer!.property_id).toBe(propertyId);
      // The provider now has one bed left, held twice (holds are not part of this check).
      const put = await h.request(
        'PUT',
        `/v1/properties/${propertyId}/availability`,
        provider.key,
        {
          availableBeds: 1,
        },
      );
      expect(put.status).toBe(200);
      const answers = await Promise.all([
        accept(provider, firstOffer!.id),
        accept(provider, secondOffer!.id),
      ]);
      expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
      const refused = answers.find((a) => a.status === 409)!;
      expect(((await refused.json()) as { detail: string }).detail).toMatch(/No bed is left/);
      const placed = await h.db.query(
        `SELECT id FROM "${h.schema}".placement WHERE property_id = $1`,
        [propertyId],
      );
      expect(placed.rows).toHaveLength(1);
      const beds = await h.db.query(
        `SELECT available_beds FROM "${h.schema}".property WHERE id = $1`,
        [propertyId],
      );
      expect(beds.rows[0]).toEqual({ available_beds: 0 });
    }
  });
});
