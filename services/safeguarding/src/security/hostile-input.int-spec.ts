import { createIdentityDataSource, IdentityStore } from '@harbour/platform';
import {
  attackEndpoint,
  HostileTally,
  hostileBodies,
  type JsonSchema,
  spentKeys,
  testDatabaseUrl,
  uniqueName,
  KNOWN_ISSUES,
} from '@harbour/testing';
import type { DataSource } from 'typeorm';
import {
  type SafeguardingHarness,
  startSafeguardingHarness,
} from '../test-support/safeguarding-harness';

jest.setTimeout(180_000);

const CAMDEN = 'E09000007';

/**
 * The known-victim check body has no contract file: this is its rule as the endpoint states it
 * (`{ postcode?, address? }`, at least one, nothing else, an address of at most 500
 * characters), kept loose on the postcode so the judge never calls a refused body valid.
 */
const KNOWN_VICTIM_CHECK: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    postcode: { type: 'string' },
    address: { type: 'string', maxLength: 500 },
  },
};

describe('safeguarding: hostile input on POST /v1/known-victim-checks', () => {
  const tally = new HostileTally();
  let h: SafeguardingHarness;
  let identityDs: DataSource;
  let identity: IdentityStore;
  let policeId = '';
  let policeKey = '';

  beforeAll(async () => {
    h = await startSafeguardingHarness('sg_hostile');
    identityDs = createIdentityDataSource(testDatabaseUrl());
    await identityDs.initialize();
    identity = new IdentityStore(identityDs);
    const police = await identity.createOrganisation({
      name: uniqueName('hostile police'),
      kind: 'police_borough',
      boroughs: [CAMDEN],
    });
    policeId = police.id;
    policeKey = (
      await identity.issueApiKey({ organisationId: police.id, roles: ['read'], label: 'hostile' })
    ).key;
  });

  afterAll(async () => {
    tally.print();
    await identityDs.destroy();
    await h.close();
  });

  /** Every check is audited: a refused one must leave no audit row. */
  const audits = async () =>
    (
      await h.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "${h.schema}".known_victim_check`,
      )
    ).rows[0]!.n;

  const check = (body: unknown, key: string) =>
    fetch(`${h.baseUrl}/v1/known-victim-checks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(body),
    });

  it('generated hostile bodies never break it, never slip through, never leave an audit row', async () => {
    await attackEndpoint(
      {
        name: 'safeguarding POST /v1/known-victim-checks',
        method: 'POST',
        url: `${h.baseUrl}/v1/known-victim-checks`,
        headers: { authorization: `Bearer ${policeKey}` },
        snapshot: async () => ({ audits: await audits() }),
      },
      hostileBodies({
        schema: KNOWN_VICTIM_CHECK,
        valid: { postcode: 'NW1 2DB', address: '17 Quennell Yard, London' },
      }),
      { numRuns: 200, tally, knownIssues: KNOWN_ISSUES },
    );
  });

  // The form parser registered for the e-mailed acknowledgement page once fed the JSON API too;
  // form posts are now taken only on the form paths (libs/platform body-guards.ts).
  it('a form-encoded check is refused (415), not taken as JSON, and not audited', async () => {
    const before = await audits();
    const response = await fetch(`${h.baseUrl}/v1/known-victim-checks`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${policeKey}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'postcode=NW1+2DB',
    });
    expect(response.status).toBe(415);
    expect(await audits()).toBe(before);
  });

  it('expired and revoked keys get 401 and leave no audit row', async () => {
    const spent = await spentKeys(identity, policeId, ['read']);
    const before = await audits();
    for (const key of [spent.expired, spent.revoked]) {
      const response = await check({ postcode: 'NW1 2DB' }, key);
      tally.record('safeguarding POST /v1/known-victim-checks (spent keys)', response.status);
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
    expect(await audits()).toBe(before);
  });
});
