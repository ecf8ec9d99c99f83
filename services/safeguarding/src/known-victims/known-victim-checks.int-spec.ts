import { randomInt, randomUUID } from 'node:crypto';
import type { MissingEpisodeReported, ReferralSubmitted } from '@harbour/contracts';
import { createIdentityDataSource, IdentityStore, type Role } from '@harbour/platform';
import { expectEventually, testDatabaseUrl, uniqueName } from '@harbour/testing';
import type { DataSource } from 'typeorm';
import {
  type SafeguardingHarness,
  startSafeguardingHarness,
} from '../test-support/safeguarding-harness';

jest.setTimeout(120_000);

const CAMDEN = 'E09000007';
const LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

/**
 * A valid postcode nobody else uses: the consumer replays the shared topic from the start, so
 * places from earlier runs are in this index too.
 */
function freshPostcode(): { spaced: string; compact: string } {
  const l = () => LETTERS[randomInt(LETTERS.length)]!;
  const outward = `${l()}${l()}${randomInt(10)}${l()}`;
  const inward = `${randomInt(10)}${l()}${l()}`;
  return { spaced: `${outward} ${inward}`, compact: `${outward}${inward}`.toLowerCase() };
}

describe('safeguarding: POST /v1/known-victim-checks', () => {
  let h: SafeguardingHarness;
  let identityDs: DataSource;
  const keys = { police: '', ngo: '', immigration: '' };
  let policeOrgId = '';

  beforeAll(async () => {
    h = await startSafeguardingHarness('sg_known');
    identityDs = createIdentityDataSource(testDatabaseUrl());
    await identityDs.initialize();
    const identity = new IdentityStore(identityDs);
    const police = await identity.createOrganisation({
      name: uniqueName('camden police'),
      kind: 'police_borough',
      boroughs: [CAMDEN],
    });
    policeOrgId = police.id;
    keys.police = (
      await identity.issueApiKey({ organisationId: police.id, roles: ['read'], label: 'test' })
    ).key;
    const immigration = await identity.createOrganisation({
      name: uniqueName('immigration'),
      kind: 'immigration',
      boroughs: ['pan_london'],
    });
    keys.immigration = (
      await identity.issueApiKey({ organisationId: immigration.id, roles: ['submit'], label: 't' })
    ).key;
    const ngo = await identity.createOrganisation({
      name: uniqueName('ngo'),
      kind: 'ngo',
      boroughs: [CAMDEN],
    });
    keys.ngo = (
      await identity.issueApiKey({ organisationId: ngo.id, roles: ['read', 'submit'], label: 't' })
    ).key;
  });

  afterAll(async () => {
    await identityDs.destroy();
    await h.close();
  });

  const check = (body: unknown, key: string | null = keys.police) =>
    fetch(`${h.baseUrl}/v1/known-victim-checks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(key ? { authorization: `Bearer ${key}` } : {}),
      },
      body: JSON.stringify(body),
    });
  const answer = async (body: unknown, key: string = keys.police) => {
    const response = await check(body, key);
    expect(response.status).toBe(200);
    return (await response.json()) as { checkId: string; match: boolean; matchedOn: string[] };
  };
  const audits = async () =>
    (
      await h.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "${h.schema}".known_victim_check WHERE organisation_id = $1`,
        [policeOrgId],
      )
    ).rows[0]!.n;
  const recorded = (table: 'referral_case' | 'missing_episode', column: string, id: string) =>
    expectEventually(async () => {
      const rows = await h.db.query(`SELECT 1 FROM "${h.schema}".${table} WHERE ${column} = $1`, [
        id,
      ]);
      if (rows.rowCount !== 1) throw new Error(`${table} ${id} not recorded yet`);
    });

  const referral = (overrides: Partial<ReferralSubmitted>): ReferralSubmitted => ({
    referralId: randomUUID(),
    submittedBy: { organisationId: randomUUID(), organisationKind: 'ngo' },
    submittedAt: new Date().toISOString(),
    mechanism: 'nrm',
    subject: { isChild: false, ageDisputed: false, ageYears: 34, gender: 'male' },
    exploitationTypes: ['labour'],
    borough: CAMDEN,
    consent: { nrm: true, shareWith: [] },
    ...overrides,
  });
  const episode = (overrides: Partial<MissingEpisodeReported>): MissingEpisodeReported => ({
    episodeId: randomUUID(),
    reportedBy: { organisationId: randomUUID(), organisationKind: 'police_borough' },
    reportedAt: new Date().toISOString(),
    child: { ageYears: 20, ageDisputed: false, gender: 'female' },
    isChild: false,
    traffickingMarkers: [],
    borough: CAMDEN,
    riskGrade: 'medium',
    lastSeenAt: new Date(Date.now() - 3_600_000).toISOString(),
    ...overrides,
  });

  const token = randomUUID().slice(0, 8);
  const nrmPlace = freshPostcode();
  const address = `Flat 2, ${token} Acacia Avenue, London`;
  const givenName = `Given${token}`;

  it('matches the places of an open NRM referral however they are typed, and stops when it closes', async () => {
    const open = referral({
      personal: { givenName, familyName: 'Kaya', dateOfBirth: '1991-01-01' },
      linkedLocations: [
        { postcode: nrmPlace.spaced, address: `${address} ${nrmPlace.spaced}`, kind: 'residence' },
      ],
    });
    await h.publish('harbour.referral.submitted', open, open.referralId);
    await recorded('referral_case', 'referral_id', open.referralId);

    expect(await answer({ postcode: ` ${nrmPlace.compact} ` })).toMatchObject({
      match: true,
      matchedOn: ['postcode'],
    });
    expect(
      await answer({ address: `flat 2 ${token.toUpperCase()} ACACIA avenue; london` }),
    ).toMatchObject({ match: true, matchedOn: ['address'] });
    expect(
      await answer(
        { postcode: nrmPlace.spaced, address: `${address}, ${nrmPlace.compact}` },
        keys.immigration,
      ),
    ).toMatchObject({ match: true, matchedOn: ['postcode', 'address'] });
    expect(await answer({ postcode: freshPostcode().spaced })).toEqual({
      checkId: expect.any(String) as unknown,
      match: false,
      matchedOn: [],
    });

    await h.publish(
      'harbour.referral.decision-recorded',
      {
        referralId: open.referralId,
        recordedBy: { organisationId: randomUUID(), organisationKind: 'coordinator' },
        recordedAt: new Date().toISOString(),
        stage: 'reasonable_grounds',
        outcome: 'negative',
        decidedOn: '2026-11-20',
      },
      open.referralId,
    );
    await expectEventually(async () => {
      expect((await answer({ postcode: nrmPlace.spaced })).match).toBe(false);
    });
  });

  it('matches a recent Duty to Notify report and places of people still missing, and of found children with a trafficking marker', async () => {
    const dtn = freshPostcode();
    const report = referral({
      mechanism: 'duty_to_notify',
      linkedLocations: [{ postcode: dtn.spaced }],
    });
    await h.publish('harbour.referral.submitted', report, report.referralId);
    await recorded('referral_case', 'referral_id', report.referralId);
    expect((await answer({ postcode: dtn.compact })).match).toBe(true);

    const adultPlace = freshPostcode();
    const adult = episode({ lastSeenLocation: { postcode: adultPlace.spaced } });
    const childPlace = freshPostcode();
    const child = episode({
      child: { ageYears: 14, ageDisputed: false, gender: 'female' },
      isChild: true,
      traffickingMarkers: ['suspected_exploitation'],
      lastSeenLocation: { postcode: childPlace.spaced },
    });
    for (const e of [adult, child]) {
      await h.publish('harbour.missing-episode.reported', e, e.episodeId);
      await recorded('missing_episode', 'episode_id', e.episodeId);
    }
    expect((await answer({ postcode: adultPlace.spaced })).match).toBe(true);
    expect((await answer({ postcode: childPlace.spaced })).match).toBe(true);
    for (const e of [adult, child]) {
      await h.publish(
        'harbour.missing-episode.found',
        {
          episodeId: e.episodeId,
          recordedBy: { organisationId: randomUUID(), organisationKind: 'police_borough' },
          recordedAt: new Date().toISOString(),
          foundAt: new Date().toISOString(),
        },
        e.episodeId,
      );
    }
    await expectEventually(async () => {
      expect((await answer({ postcode: adultPlace.spaced })).match).toBe(false);
    });
    // A trafficked child stays known after coming home.
    await expectEventually(async () => {
      const rows = await h.db.query(
        `SELECT 1 FROM "${h.schema}".missing_episode WHERE episode_id = $1 AND status = 'found'`,
        [child.episodeId],
      );
      if (rows.rowCount !== 1) throw new Error('not found yet');
    });
    expect((await answer({ postcode: childPlace.spaced })).match).toBe(true);
  });

  it('refuses bad input with a 400 naming the field, and leaves no audit row', async () => {
    const before = await audits();
    for (const [body, pointer] of [
      [{ postcode: 'E15 1A' }, '/postcode'],
      [{ postcode: 'GIR 0AB' }, '/postcode'],
      [{ postcode: 42 }, '/postcode'],
      [{}, '/postcode'],
      [{ address: ' ,.; ' }, '/address'],
      [{ address: 'x'.repeat(501) }, '/address'],
      [{ postcode: 'E15 1AA', name: 'someone' }, '/name'],
    ] as const) {
      const response = await check(body);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      const problem = (await response.json()) as { errors: { pointer: string }[] };
      expect(problem.errors.map((e) => e.pointer)).toContain(pointer);
    }
    expect(await audits()).toBe(before);
  });

  it('is open to police, immigration and coordinators only, with a key', async () => {
    expect((await check({ postcode: 'E15 1AA' }, null)).status).toBe(401);
    expect((await check({ postcode: 'E15 1AA' }, keys.ngo)).status).toBe(403);
    expect((await check({ postcode: 'GIR 0AA' }, keys.immigration)).status).toBe(200);
  });

  it('audits every check without the place, and stores no postcode, address or name in clear', async () => {
    const before = await audits();
    const place = freshPostcode();
    await answer({ postcode: place.spaced, address });
    expect(await audits()).toBe(before + 1);
    const latest = await h.db.query<{
      postcode_index: string;
      address_index: string;
      matched: boolean;
      api_key_id: string;
    }>(
      `SELECT postcode_index, address_index, matched, api_key_id FROM "${h.schema}".known_victim_check
        WHERE organisation_id = $1 ORDER BY checked_at DESC LIMIT 1`,
      [policeOrgId],
    );
    // The address is the closed referral's: no longer a match, and audited as such.
    expect(latest.rows[0]).toMatchObject({ matched: false });
    const matched = await h.db.query(
      `SELECT 1 FROM "${h.schema}".known_victim_check
        WHERE organisation_id = $1 AND matched AND matched_on = '{postcode}'`,
      [policeOrgId],
    );
    expect(matched.rowCount).toBeGreaterThan(0);
    expect(latest.rows[0]!.postcode_index).toMatch(/^[0-9a-f]{64}$/);
    expect(latest.rows[0]!.address_index).toMatch(/^[0-9a-f]{64}$/);

    // Every row of every table that holds cases, keys, places or checks, read as text.
    const dump: string[] = [];
    for (const table of [
      'referral_case',
      'referral_decision',
      'missing_episode',
      'episode_alert',
      'person_key',
      'known_victim_location',
      'known_victim_check',
    ]) {
      const rows = await h.db.query<{ row: string }>(
        `SELECT row_to_json(t)::text AS row FROM "${h.schema}".${table} t`,
      );
      dump.push(...rows.rows.map((r) => r.row));
    }
    const text = dump.join('\n').toUpperCase();
    expect(dump.length).toBeGreaterThan(5);
    for (const secret of [
      nrmPlace.spaced,
      nrmPlace.compact,
      place.spaced,
      token,
      'ACACIA',
      givenName,
      'KAYA',
      '1991-01-01',
    ]) {
      expect(text).not.toContain(secret.toUpperCase());
    }
  });

  it('serves safeguarding’s audit chain to coordinators’ admins only', async () => {
    const identity = new IdentityStore(identityDs);
    const coordinator = await identity.createOrganisation({
      name: uniqueName('coordinator'),
      kind: 'coordinator',
      boroughs: ['pan_london'],
    });
    const keyOf = async (roles: Role[]) =>
      (await identity.issueApiKey({ organisationId: coordinator.id, roles, label: 't' })).key;
    const audit = (key: string, path = '/v1/audit') =>
      fetch(`${h.baseUrl}${path}`, { headers: { authorization: `Bearer ${key}` } });

    const page = await audit(await keyOf(['admin']));
    expect(page.status).toBe(200);
    expect(await page.json()).toMatchObject({ chain: 'safeguarding', next: null });
    const exported = await audit(await keyOf(['admin']), '/v1/audit/export');
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toMatch(/application\/x-ndjson/);
    for (const key of [await keyOf(['read']), keys.police]) {
      expect((await audit(key)).status).toBe(403);
    }
  });
});
