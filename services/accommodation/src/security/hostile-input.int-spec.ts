import { createIdentityDataSource, IdentityStore } from '@harbour/platform';
import {
  attackEndpoint,
  HostileTally,
  hostileBodies,
  KNOWN_ISSUES,
  restBodySchema,
  spentKeys,
  tableCounts,
  testDatabaseUrl,
} from '@harbour/testing';
import type { DataSource } from 'typeorm';
import {
  AccommodationHarness,
  property,
  type TestOrganisation,
} from '../test-support/accommodation-harness';

jest.setTimeout(180_000);

const RUNS = 150;

/**
 * Accommodation's write endpoints under generated hostile input. Other suites publish bed
 * requests on the shared topic at the same time, so what a refusal must leave unchanged is
 * scoped to this suite's own properties and offer, not the whole schema.
 */
describe('accommodation: hostile input on properties, availability and offer decisions', () => {
  const tally = new HostileTally();
  let h: AccommodationHarness;
  let identityDs: DataSource;
  let identity: IdentityStore;
  let provider: TestOrganisation;
  let otherProvider: TestOrganisation;
  let propertyId = '';
  let offerId = '';

  beforeAll(async () => {
    h = await AccommodationHarness.start('acc_hostile');
    identityDs = createIdentityDataSource(testDatabaseUrl());
    await identityDs.initialize();
    identity = new IdentityStore(identityDs);
    provider = await h.organisation('housing_provider');
    otherProvider = await h.organisation('housing_provider');
    const requester = await h.organisation('police_borough', ['submit']);
    propertyId = await h.register(provider, { beds: 6, availableBeds: 3 });
    const request = h.bedRequest(requester);
    await h.publish('harbour.bed-request.submitted', request);
    const offers = await h.offers(request.requestId);
    const ours = offers.find((o) => o.provider_organisation_id === provider.organisationId);
    if (ours === undefined) throw new Error('no offer reached the test provider');
    offerId = ours.id;
  });

  afterAll(async () => {
    tally.print();
    await identityDs.destroy();
    await h.close();
  });

  /** What this suite's requests alone can change. */
  const snapshot = async () => ({
    counts: await tableCounts(h.db, h.schema, ['property', 'placement', 'idempotency_record']),
    changes: (
      await h.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "${h.schema}".availability_change a
           JOIN "${h.schema}".property p ON p.id = a.property_id
          WHERE p.provider_organisation_id = $1`,
        [provider.organisationId],
      )
    ).rows[0]!.n,
    property: (
      await h.db.query(
        `SELECT available_beds, availability_confirmed_at FROM "${h.schema}".property WHERE id = $1`,
        [propertyId],
      )
    ).rows,
    offer: (
      await h.db.query(
        `SELECT state, decline_reason, decided_at FROM "${h.schema}".offer WHERE id = $1`,
        [offerId],
      )
    ).rows,
  });

  interface Target {
    name: string;
    method: 'POST' | 'PUT';
    path: string;
  }

  const endpoints = (): [string, Target, string, unknown][] => [
    [
      'POST /v1/properties',
      { name: 'accommodation POST /v1/properties', method: 'POST', path: '/v1/properties' },
      'property-registration',
      property({ languages: ['sq'], accessibility: ['step_free'], childrenAccepted: 0 }),
    ],
    [
      'PUT /v1/properties/{id}/availability',
      {
        name: 'accommodation PUT /v1/properties/{id}/availability',
        method: 'PUT',
        path: `/v1/properties/${propertyId}/availability`,
      },
      'property-availability',
      { availableBeds: 4 },
    ],
    [
      'POST /v1/offers/{id}/decision',
      {
        name: 'accommodation POST /v1/offers/{id}/decision',
        method: 'POST',
        path: `/v1/offers/${offerId}/decision`,
      },
      'offer-decision',
      { decision: 'decline', declineReason: 'no_space' },
    ],
  ];

  it.each([
    ['POST /v1/properties', 0],
    ['PUT /v1/properties/{id}/availability', 1],
    ['POST /v1/offers/{id}/decision', 2],
  ])('%s: generated hostile bodies never break it', async (_name, index) => {
    const [, endpoint, schema, valid] = endpoints()[index]!;
    await attackEndpoint(
      {
        name: endpoint.name,
        method: endpoint.method,
        url: `${h.baseUrl}${endpoint.path}`,
        headers: { authorization: `Bearer ${provider.key}` },
        snapshot,
      },
      hostileBodies({ schema: restBodySchema(schema), valid }),
      { numRuns: RUNS, tally, knownIssues: KNOWN_ISSUES },
    );
  });

  it('expired and revoked keys get 401 on every write endpoint, and nothing changes', async () => {
    const spent = await spentKeys(identity, provider.organisationId, ['submit', 'respond']);
    const before = await snapshot();
    for (const [name, endpoint, , valid] of endpoints()) {
      for (const key of [spent.expired, spent.revoked]) {
        const response = await h.request(endpoint.method, endpoint.path, key, valid);
        tally.record(`accommodation ${name} (spent keys)`, response.status);
        expect({ name, status: response.status }).toEqual({ name, status: 401 });
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it("another provider's property and offer are 404 (not 403), and nothing changes", async () => {
    const before = await snapshot();
    for (const [name, endpoint, , valid] of endpoints().slice(1)) {
      const response = await h.request(endpoint.method, endpoint.path, otherProvider.key, valid);
      tally.record(`accommodation ${name} (other organisation)`, response.status);
      expect({ name, status: response.status }).toEqual({ name, status: 404 });
    }
    expect(await snapshot()).toEqual(before);
  });
});
