import { randomUUID } from 'node:crypto';
import type {
  BedOfferExpired,
  BedOffered,
  BedRequestUnmatched,
  PlacementConfirmed,
} from '@harbour/contracts';
import {
  AccommodationHarness,
  CAMDEN,
  CROYDON,
  HACKNEY,
  HAVERING,
  HILLINGDON,
  ISLINGTON,
  needs,
  property,
  type TestOrganisation,
} from '../test-support/accommodation-harness';

jest.setTimeout(120_000);

describe('accommodation: properties, offers, answers and placements (real Postgres and Kafka)', () => {
  let h: AccommodationHarness;
  let requester: TestOrganisation;
  let coordinator: TestOrganisation;

  beforeAll(async () => {
    h = await AccommodationHarness.start('acc_matching');
    requester = await h.organisation('police_borough', ['submit', 'read'], [CAMDEN]);
    coordinator = await h.organisation('coordinator', ['read']);
  });

  afterAll(async () => {
    await h.close();
  });

  beforeEach(async () => {
    await h.retireProperties();
  });

  const provider = () => h.organisation('housing_provider');
  const json = async <T>(response: Response, status: number): Promise<T> => {
    const text = await response.text();
    if (response.status !== status)
      throw new Error(`expected ${status}, got ${response.status}: ${text}`);
    return JSON.parse(text) as T;
  };
  const pointers = async (response: Response) => {
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await response.json()) as { errors: { pointer: string }[] };
    return problem.errors.map((e) => e.pointer).sort();
  };
  const decide = (who: TestOrganisation, offerId: string, body: unknown, headers = {}) =>
    h.request('POST', `/v1/offers/${offerId}/decision`, who.key, body, headers);

  describe('properties', () => {
    it('registers a property (201 + Location) and shows beds, held, free and freshness to its owner only', async () => {
      const owner = await provider();
      const other = await provider();
      const response = await h.request(
        'POST',
        '/v1/properties',
        owner.key,
        property({ postcodeDistrict: 'rm1' }),
      );
      const created = await json<{ propertyId: string; postcodeDistrict: string }>(response, 201);
      expect(response.headers.get('location')).toBe(`/v1/properties/${created.propertyId}`);
      expect(created).toMatchObject({
        providerOrganisationId: owner.organisationId,
        postcodeDistrict: 'RM1',
        beds: 4,
        availableBeds: 2,
        heldBeds: 0,
        freeBeds: 2,
        stale: false,
      });
      const mine = await json<{ properties: { propertyId: string }[] }>(
        await h.request('GET', '/v1/properties', owner.key),
        200,
      );
      expect(mine.properties.map((p) => p.propertyId)).toEqual([created.propertyId]);
      const theirs = await json<{ properties: unknown[] }>(
        await h.request('GET', '/v1/properties', other.key),
        200,
      );
      expect(theirs.properties).toEqual([]);
      expect(
        (await h.request('GET', `/v1/properties/${created.propertyId}`, other.key)).status,
      ).toBe(404);
      const all = await json<{ properties: { propertyId: string }[] }>(
        await h.request('GET', '/v1/properties', coordinator.key),
        200,
      );
      expect(all.properties.map((p) => p.propertyId)).toContain(created.propertyId);
      // A requester is not a housing provider.
      expect((await h.request('POST', '/v1/properties', requester.key, property())).status).toBe(
        403,
      );
    });

    it('refuses more free beds than beds, children without families, an unknown borough and a district outside London', async () => {
      const owner = await provider();
      const post = (body: unknown) => h.request('POST', '/v1/properties', owner.key, body);
      expect(await pointers(await post(property({ beds: 2, availableBeds: 3 })))).toEqual([
        '/availableBeds',
      ]);
      expect(
        await pointers(await post(property({ ages: ['adult'], childrenAccepted: 2 }))),
      ).toEqual(['/childrenAccepted']);
      expect(await pointers(await post(property({ borough: 'E09000099' })))).toEqual(['/borough']);
      expect(await pointers(await post(property({ postcodeDistrict: 'M1' })))).toEqual([
        '/postcodeDistrict',
      ]);
      const count = await h.db.query(
        `SELECT count(*)::int AS n FROM "${h.schema}".property WHERE provider_organisation_id = $1`,
        [owner.organisationId],
      );
      expect(count.rows[0]).toEqual({ n: 0 });
    });

    it('records each availability change and confirmation, refuses more than the beds, and only for the owner', async () => {
      const owner = await provider();
      const id = await h.register(owner, { beds: 3, availableBeds: 1 });
      await h.db.query(
        `UPDATE "${h.schema}".property SET availability_confirmed_at = now() - interval '30 hours' WHERE id = $1`,
        [id],
      );
      const stale = await json<{ stale: boolean }>(
        await h.request('GET', `/v1/properties/${id}`, owner.key),
        200,
      );
      expect(stale.stale).toBe(true);
      const put = (who: TestOrganisation, availableBeds: number) =>
        h.request('PUT', `/v1/properties/${id}/availability`, who.key, { availableBeds });
      expect(await json(await put(owner, 3), 200)).toMatchObject({
        availableBeds: 3,
        freeBeds: 3,
        stale: false,
      });
      expect(await json(await put(owner, 3), 200)).toMatchObject({ availableBeds: 3 });
      expect(await pointers(await put(owner, 4))).toEqual(['/availableBeds']);
      expect((await put(await provider(), 0)).status).toBe(404);
      const history = await h.db.query<{
        kind: string;
        available_before: number | null;
        available_after: number;
      }>(
        `SELECT kind, available_before, available_after FROM "${h.schema}".availability_change
          WHERE property_id = $1 ORDER BY id`,
        [id],
      );
      expect(history.rows).toEqual([
        { kind: 'registered', available_before: null, available_after: 1 },
        { kind: 'changed', available_before: 1, available_after: 3 },
        { kind: 'confirmed', available_before: 3, available_after: 3 },
      ]);
    });
  });

  describe('offers', () => {
    it("offers a man's bed only to properties that take men and lie outside the exclusion zone, holding a bed each", async () => {
      const womenOnly = await provider();
      const menOnly = await provider();
      const mixed = await provider();
      const inZone = await provider();
      const nearZone = await provider();
      await h.register(womenOnly, { genderServed: 'female', borough: HAVERING });
      const menProperty = await h.register(menOnly, {
        genderServed: 'male',
        borough: HILLINGDON,
        postcodeDistrict: 'UB8',
      });
      await h.register(mixed, { genderServed: 'any', borough: CROYDON, postcodeDistrict: 'CR0' });
      await h.register(inZone, { genderServed: 'any', borough: HACKNEY, postcodeDistrict: 'E8' });
      // Islington is within 3 km of Camden: inside a 5 km circle around a Camden postcode.
      await h.register(nearZone, {
        genderServed: 'male',
        borough: ISLINGTON,
        postcodeDistrict: 'N1',
      });
      const request = h.bedRequest(requester, {
        needs: needs({ gender: 'male', languages: ['sq'] }),
        exclusionZones: {
          boroughs: [HACKNEY],
          around: [{ postcode: 'NW1 2DB', borough: CAMDEN, radiusKm: 5 }],
        },
      });
      await h.publish('harbour.bed-request.submitted', request);
      const offered = (await h.events('harbour.bed.offered', request.requestId, 2)).map(
        (e) => e.data as BedOffered,
      );
      expect(offered.map((o) => o.providerOrganisationId).sort()).toEqual(
        [menOnly.organisationId, mixed.organisationId].sort(),
      );
      for (const offer of offered) {
        expect(offer).toMatchObject({
          requestedBy: request.submittedBy,
          needs: request.needs,
          urgency: request.urgency,
        });
        expect(offer.explanation.length).toBeGreaterThan(0);
        // Planned: held 1440 minutes (the request's matchBy is two days away).
        expect(Date.parse(offer.holdExpiresAt) - Date.parse(offer.offeredAt)).toBe(1440 * 60_000);
        expect(JSON.stringify(offer)).not.toContain(request.person!.familyName!);
      }
      expect(await h.requestState(request.requestId)).toBe('open');
      const held = await json<{ heldBeds: number; freeBeds: number }>(
        await h.request('GET', `/v1/properties/${menProperty}`, menOnly.key),
        200,
      );
      expect(held).toMatchObject({ heldBeds: 1, freeBeds: 1 });
      const list = await json<{
        offers: { offerId: string; state: string; secondsLeft: number; needs: unknown }[];
      }>(await h.request('GET', '/v1/offers', menOnly.key), 200);
      expect(list.offers).toHaveLength(1);
      expect(list.offers[0]).toMatchObject({ state: 'offered', needs: request.needs });
      expect(list.offers[0]!.secondsLeft).toBeGreaterThan(86_000);
      expect(JSON.stringify(list)).not.toContain(request.person!.familyName!);
      expect(
        (
          await json<{ offers: unknown[] }>(
            await h.request('GET', '/v1/offers', womenOnly.key),
            200,
          )
        ).offers,
      ).toEqual([]);

      // The coordinator sees why each provider was or wasn't asked.
      const matching = await json<{
        properties: {
          providerOrganisationId: string;
          verdict: string;
          reasons: string[];
          offer: unknown;
        }[];
      }>(
        await h.request('GET', `/v1/bed-requests/${request.requestId}/matching`, coordinator.key),
        200,
      );
      const verdict = (org: TestOrganisation) =>
        matching.properties.find((p) => p.providerOrganisationId === org.organisationId);
      expect(verdict(womenOnly)).toMatchObject({ verdict: 'excluded', offer: null });
      expect(verdict(inZone)).toMatchObject({ verdict: 'excluded' });
      expect(verdict(nearZone)).toMatchObject({ verdict: 'excluded' });
      expect(verdict(menOnly)).toMatchObject({ verdict: 'ranked', offer: { state: 'offered' } });
      expect(verdict(womenOnly)!.reasons.join(' ')).toMatch(/women/i);
      expect(
        (await h.request('GET', `/v1/bed-requests/${request.requestId}/matching`, requester.key))
          .status,
      ).toBe(403);
    });

    it('accept: one placement, the names only in the answer to that provider, the other offers withdrawn; later answers refused', async () => {
      const providers = [await provider(), await provider(), await provider()];
      const properties = [];
      for (const p of providers) properties.push(await h.register(p, { availableBeds: 1 }));
      const request = h.bedRequest(requester);
      await h.publish('harbour.bed-request.submitted', request);
      const offers = await h.offers(request.requestId, 3);
      const [first, ...rest] = offers;
      const winner = providers.find((p) => p.organisationId === first!.provider_organisation_id)!;
      const loser = providers.find((p) => p.organisationId === rest[0]!.provider_organisation_id)!;

      // Only the provider the offer was sent to may answer it.
      expect((await decide(loser, first!.id, { decision: 'accept' })).status).toBe(404);

      const headers = { 'idempotency-key': `accept-${first!.id}` };
      const response = await decide(winner, first!.id, { decision: 'accept' }, headers);
      const placement = await json<{
        placementId: string;
        person: { givenName: string; familyName: string };
      }>(response, 201);
      expect(response.headers.get('location')).toBe(`/v1/placements/${placement.placementId}`);
      expect(placement).toMatchObject({
        requestId: request.requestId,
        offerId: first!.id,
        providerOrganisationId: winner.organisationId,
        propertyId: first!.property_id,
        person: request.person,
      });
      // A retry with the same key gets the same answer, and nothing happens twice.
      const replay = await decide(winner, first!.id, { decision: 'accept' }, headers);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(await json(replay, 201)).toEqual(placement);

      const confirmed = (await h.events('harbour.placement.confirmed', request.requestId))[0]!
        .data as PlacementConfirmed;
      expect(confirmed).toMatchObject({
        placementId: placement.placementId,
        offerId: first!.id,
        borough: HAVERING,
      });
      const expired = (await h.events('harbour.bed.offer-expired', request.requestId, 2)).map(
        (e) => e.data as BedOfferExpired,
      );
      expect(expired.map((e) => [e.offerId, e.reason]).sort()).toEqual(
        rest.map((o) => [o.id, 'placed_elsewhere']).sort(),
      );
      for (const event of h.seen.filter((e) => e.subject === request.requestId)) {
        expect(JSON.stringify(event)).not.toContain(request.person!.familyName!);
      }
      expect(await h.requestState(request.requestId)).toBe('placed');
      const taken = await h.db.query(
        `SELECT available_beds FROM "${h.schema}".property WHERE id = $1`,
        [first!.property_id],
      );
      expect(taken.rows[0]).toEqual({ available_beds: 0 });

      // A decision on a placed request, from a provider whose offer was withdrawn: 409.
      const late = await decide(loser, rest[0]!.id, { decision: 'accept' });
      expect(late.status).toBe(409);
      expect(late.headers.get('content-type')).toContain('application/problem+json');
      expect(((await late.json()) as { detail: string }).detail).toMatch(/already been placed/);

      // Who reads the placement decides what they see.
      const path = `/v1/placements/${placement.placementId}`;
      expect(await json(await h.request('GET', path, winner.key), 200)).toMatchObject({
        person: request.person,
      });
      const forRequester = await json<Record<string, unknown>>(
        await h.request('GET', path, requester.key),
        200,
      );
      expect(forRequester).toEqual({
        placementId: placement.placementId,
        requestId: request.requestId,
        providerOrganisationId: winner.organisationId,
        borough: HAVERING,
        postcodeDistrict: 'RM1',
        confirmedAt: confirmed.confirmedAt,
      });
      const forCoordinator = await json<Record<string, unknown>>(
        await h.request('GET', path, coordinator.key),
        200,
      );
      expect(forCoordinator).not.toHaveProperty('person');
      expect((await h.request('GET', path, loser.key)).status).toBe(404);

      // Only the provider's read carried the names, and only it is in the audit chain: who,
      // which placement, which field — never the names themselves.
      const reads = await h.db.query<{ actor: { organisationId: string }; details: unknown }>(
        `SELECT actor, details FROM "${h.schema}".audit_log
          WHERE action = 'personal_data.read' AND resource_kind = 'placement'
            AND resource_id = $1`,
        [placement.placementId],
      );
      expect(reads.rows).toEqual([
        {
          actor: expect.objectContaining({ organisationId: winner.organisationId }) as unknown,
          details: { fields: ['person'] },
        },
      ]);

      const view = await json<{ state: string; offers: { state: string }[]; placement: unknown }>(
        await h.request('GET', `/v1/bed-requests/${request.requestId}`, requester.key),
        200,
      );
      expect(view.state).toBe('placed');
      expect(view.offers.map((o) => o.state).sort()).toEqual([
        'accepted',
        'withdrawn',
        'withdrawn',
      ]);
      expect(view.placement).toMatchObject({
        placementId: placement.placementId,
        postcodeDistrict: 'RM1',
      });
      expect(JSON.stringify(view)).not.toContain(request.person!.familyName!);
      expect(
        (await h.request('GET', `/v1/bed-requests/${request.requestId}`, winner.key)).status,
      ).toBe(404);

      const stored = await h.db.query<{ person_encrypted: string }>(
        `SELECT person_encrypted FROM "${h.schema}".bed_request WHERE id = $1`,
        [request.requestId],
      );
      expect(stored.rows[0]!.person_encrypted).toMatch(/^v2\./);
      expect(stored.rows[0]!.person_encrypted).not.toContain(request.person!.familyName!);
    });

    it('decline: the next provider is asked at once; when everyone declined, the request is unmatched with the reasons', async () => {
      const providers = [await provider(), await provider(), await provider(), await provider()];
      for (const p of providers) await h.register(p);
      const request = h.bedRequest(requester);
      await h.publish('harbour.bed-request.submitted', request);
      const initial = await h.offers(request.requestId, 3);
      const keyOf = (orgId: string) => providers.find((p) => p.organisationId === orgId)!;
      const first = initial[0]!;
      const declined = await json<{ state: string }>(
        await decide(keyOf(first.provider_organisation_id), first.id, {
          decision: 'decline',
          declineReason: 'no_space',
        }),
        200,
      );
      expect(declined.state).toBe('declined');
      const after = await h.offers(request.requestId, 4);
      const asked = new Set(after.map((o) => o.provider_organisation_id));
      expect(asked).toEqual(new Set(providers.map((p) => p.organisationId)));
      const offered = await h.events('harbour.bed.offered', request.requestId, 4);
      expect(offered).toHaveLength(4);
      expect(
        (await h.events('harbour.bed.offer-expired', request.requestId)).map(
          (e) => (e.data as BedOfferExpired).reason,
        ),
      ).toEqual(['declined']);
      // Declining an offer already declined: 409.
      expect(
        (await decide(keyOf(first.provider_organisation_id), first.id, { decision: 'decline' }))
          .status,
      ).toBe(409);

      for (const offer of after.filter((o) => o.state === 'offered')) {
        const answer = await decide(keyOf(offer.provider_organisation_id), offer.id, {
          decision: 'decline',
        });
        expect(answer.status).toBe(200);
      }
      const [unmatched] = await h.events('harbour.bed-request.unmatched', request.requestId);
      const data = unmatched!.data as BedRequestUnmatched;
      expect(data).toMatchObject({
        reason: 'all_offers_declined',
        offersMade: 4,
        requestedBy: request.submittedBy,
      });
      expect(data.explanation.length).toBeGreaterThan(0);
      expect(await h.requestState(request.requestId)).toBe('unmatched');
    });

    it('nobody can take him: unmatched at once, no_matching_vacancy, with what the coordinator can act on', async () => {
      const womenOnly = await provider();
      await h.register(womenOnly, { genderServed: 'female' });
      const request = h.bedRequest(requester, { needs: needs({ gender: 'male' }) });
      await h.publish('harbour.bed-request.submitted', request);
      const [unmatched] = await h.events('harbour.bed-request.unmatched', request.requestId);
      const data = unmatched!.data as BedRequestUnmatched;
      expect(data).toMatchObject({ reason: 'no_matching_vacancy', offersMade: 0 });
      expect(data.explanation.length).toBeGreaterThan(1);
      expect(JSON.stringify(data)).not.toContain(request.person!.familyName!);
      expect(await h.publishedSoFar('harbour.bed.offered', request.requestId)).toEqual([]);
    });

    it('a lapsed hold cannot be accepted (409) even before the timer ran; the timer then expires it and asks the next provider', async () => {
      const providers = [await provider(), await provider()];
      for (const p of providers) await h.register(p);
      const request = h.bedRequest(requester);
      const [first] = await (async () => {
        await h.publish('harbour.bed-request.submitted', request);
        return h.offers(request.requestId, 2);
      })();
      const owner = providers.find((p) => p.organisationId === first!.provider_organisation_id)!;
      await h.lapseHolds(request.requestId);
      const refused = await decide(owner, first!.id, { decision: 'accept' });
      expect(refused.status).toBe(409);
      expect(((await refused.json()) as { detail: string }).detail).toMatch(
        /^The hold expired at /,
      );
      expect(await h.runtime.timers.tick()).toBeGreaterThanOrEqual(1);
      const expired = (await h.events('harbour.bed.offer-expired', request.requestId, 2)).map(
        (e) => (e.data as BedOfferExpired).reason,
      );
      expect(expired).toEqual(['hold_expired', 'hold_expired']);
      // Both providers were asked already and let their holds lapse: nobody is left.
      const [unmatched] = await h.events('harbour.bed-request.unmatched', request.requestId);
      expect((unmatched!.data as BedRequestUnmatched).reason).toBe('all_offers_expired');
      // Exactly once: another pass finds nothing due.
      await h.runtime.timers.tick();
      expect(
        await h.publishedSoFar('harbour.bed-request.unmatched', request.requestId),
      ).toHaveLength(1);
    });

    it('the matching window passes: open offers end and the request is unmatched', async () => {
      const owner = await provider();
      await h.register(owner);
      const request = h.bedRequest(requester);
      await h.publish('harbour.bed-request.submitted', request);
      await h.offers(request.requestId, 1);
      await h.db.query(
        `UPDATE "${h.schema}".bed_request SET match_by = now() - interval '1 second' WHERE id = $1`,
        [request.requestId],
      );
      await h.runtime.timers.tick();
      const [expired] = await h.events('harbour.bed.offer-expired', request.requestId);
      expect((expired!.data as BedOfferExpired).reason).toBe('matching_window_passed');
      const [unmatched] = await h.events('harbour.bed-request.unmatched', request.requestId);
      expect((unmatched!.data as BedRequestUnmatched).reason).toBe('matching_window_passed');
    });

    it('withdrawal: open offers are withdrawn, the request is closed, and an acceptance afterwards is refused', async () => {
      const owner = await provider();
      await h.register(owner);
      const request = h.bedRequest(requester);
      await h.publish('harbour.bed-request.submitted', request);
      const [offer] = await h.offers(request.requestId, 1);
      await h.publish('harbour.bed-request.withdrawn', {
        requestId: request.requestId,
        withdrawnBy: request.submittedBy,
        withdrawnAt: new Date().toISOString(),
        reason: 'no_longer_needed',
      });
      const [expired] = await h.events('harbour.bed.offer-expired', request.requestId);
      expect(expired!.data).toMatchObject({ offerId: offer!.id, reason: 'request_withdrawn' });
      expect(await h.requestState(request.requestId)).toBe('withdrawn');
      expect((await decide(owner, offer!.id, { decision: 'accept' })).status).toBe(409);
      expect((await decide(owner, randomUUID(), { decision: 'accept' })).status).toBe(404);
    });
  });
});
