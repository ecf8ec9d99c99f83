import {
  attackEndpoint,
  HostileTally,
  hostileBodies,
  restBodySchema,
  spentKeys,
  tableCounts,
  testDatabaseUrl,
  KNOWN_ISSUES,
} from '@harbour/testing';
import { createIdentityDataSource, IdentityStore } from '@harbour/platform';
import type { DataSource } from 'typeorm';
import {
  CAMDEN,
  IntakeHarness,
  ISLINGTON,
  type TestOrganisation,
} from '../test-support/intake-harness';

jest.setTimeout(180_000);

const HOUR_MS = 3_600_000;
const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
const RUNS = 120;

const episodeReport = () => ({
  child: { ageYears: 14, ageDisputed: false, gender: 'female', givenName: 'Hostile' },
  traffickingMarkers: ['suspected_exploitation'],
  borough: CAMDEN,
  riskGrade: 'medium',
  lastSeenAt: at(-HOUR_MS / 2),
  lastSeenLocation: { postcode: 'NW1 2DB', description: 'near the station' },
  circumstances: 'Left the placement after a phone call.',
  reportingOfficer: { name: 'PC Example', phone: '+44 20 7946 0000' },
});

const referral = () => ({
  person: {
    givenName: 'Demo',
    familyName: 'Person',
    dateOfBirth: '1995-05-14',
    gender: 'female',
    nationality: 'AL',
    languages: ['sq'],
    speaksEnglish: false,
  },
  exploitationTypes: ['sexual'],
  borough: CAMDEN,
  locations: [{ address: '1 Demo Street', postcode: 'nw1 8aa', borough: CAMDEN, kind: 'other' }],
  indicators: ['no control of her own documents'],
  narrative: 'Found during a premises visit.',
  responder: { name: 'DC Demo', phone: '+44 20 7946 0000', email: 'dc@police.example' },
  consent: { nrm: true, shareWith: ['ngo'] },
});

const operationPlan = () => ({
  kind: 'raid',
  premisesKind: 'nail_bar',
  address: { line1: '17 Quennell Yard', postcode: 'nw1 2db' },
  borough: CAMDEN,
  plannedStart: at(48 * HOUR_MS),
  plannedEnd: at(52 * HOUR_MS),
  expectedPeople: { total: 8, women: 5, men: 2 },
  expectedLanguages: ['vi'],
  exploitationTypes: ['labour'],
  vulnerablePeopleLikely: true,
  leadContact: { name: 'DS Lead', phone: '+44 20 7946 0001' },
});

const bedRequest = () => ({
  person: { givenName: 'Ilir', familyName: 'Hoxha', dateOfBirth: '1990-02-03', gender: 'male' },
  accompanyingChildren: 0,
  languages: ['sq'],
  accessNeeds: ['step_free'],
  supportLevel: 'emergency',
  nrmStage: 'pre_nrm',
  nrpf: true,
  urgency: { kind: 'tonight' },
  exclusionZones: { boroughs: [ISLINGTON], around: [] },
  borough: CAMDEN,
});

/**
 * Every intake command endpoint under generated hostile input: never a 5xx, never an invalid
 * body accepted, refusals as problem+json without stack or echo, and nothing stored when refused.
 */
describe('intake: hostile input on every command endpoint', () => {
  const tally = new HostileTally();
  let h: IntakeHarness;
  let identityDs: DataSource;
  let identity: IdentityStore;
  let police: TestOrganisation;
  let council: TestOrganisation;
  let islingtonPolice: TestOrganisation;
  const ids = { episode: '', foundEpisode: '', referral: '', operation: '', started: '', bed: '' };

  async function created(path: string, body: unknown, key = police.key): Promise<string> {
    const response = await h.post(path, body, key);
    const answer = (await response.json()) as Record<string, string>;
    if (response.status >= 300)
      throw new Error(`${path}: ${response.status} ${JSON.stringify(answer)}`);
    const id = Object.entries(answer).find(([k]) => /Id$/.test(k))?.[1];
    if (id === undefined) throw new Error(`${path}: no id in ${JSON.stringify(answer)}`);
    return id;
  }

  beforeAll(async () => {
    h = await IntakeHarness.start(['harbour.intake.operation.v1']);
    identityDs = createIdentityDataSource(testDatabaseUrl());
    await identityDs.initialize();
    identity = new IdentityStore(identityDs);
    police = await h.organisation('police_borough', [CAMDEN]);
    council = await h.organisation('local_authority', [CAMDEN]);
    islingtonPolice = await h.organisation('police_borough', [ISLINGTON]);

    ids.episode = await created('/v1/missing-episodes', episodeReport());
    ids.foundEpisode = await created('/v1/missing-episodes', episodeReport());
    const found = await h.post(
      `/v1/missing-episodes/${ids.foundEpisode}/found`,
      { foundAt: at(0), foundInBorough: CAMDEN, returnedTo: 'home' },
      police.key,
    );
    if (found.status !== 201) throw new Error(`found: ${found.status}`);
    ids.referral = await created('/v1/referrals', referral());
    ids.operation = await created('/v1/operations', operationPlan());
    ids.started = await created('/v1/operations', operationPlan());
    // The outcome is recorded once an operation has started: move this one's start into the past.
    await h.db.query(
      `UPDATE "${h.schema}".operation SET planned_start = now() - interval '1 hour' WHERE id = $1`,
      [ids.started],
    );
    ids.bed = await created('/v1/bed-requests', bedRequest());
  });

  afterAll(async () => {
    tally.print();
    await identityDs.destroy();
    await h.close();
  });

  interface Target {
    name: string;
    path: () => string;
    schema: string;
    valid: () => unknown;
    /** The resource the command acts on, whose row a refusal must leave unchanged. */
    row?: () => { table: string; id: string };
    key?: () => string;
  }

  const targets: Target[] = [
    {
      name: 'POST /v1/missing-episodes',
      path: () => '/v1/missing-episodes',
      schema: 'missing-episode-report',
      valid: episodeReport,
    },
    {
      name: 'POST /v1/missing-episodes/{id}/risk-grades',
      path: () => `/v1/missing-episodes/${ids.episode}/risk-grades`,
      schema: 'missing-episode-regrade',
      valid: () => ({ riskGrade: 'high', reason: 'seen with an older man' }),
      row: () => ({ table: 'missing_episode', id: ids.episode }),
    },
    {
      name: 'POST /v1/missing-episodes/{id}/updates',
      path: () => `/v1/missing-episodes/${ids.episode}/updates`,
      schema: 'missing-episode-update',
      valid: () => ({
        kind: 'sighting',
        seenAt: at(-HOUR_MS / 6),
        location: { postcode: 'NW1 2DB', borough: CAMDEN },
        note: 'seen at the station',
      }),
      row: () => ({ table: 'missing_episode', id: ids.episode }),
    },
    {
      name: 'POST /v1/missing-episodes/{id}/found',
      path: () => `/v1/missing-episodes/${ids.episode}/found`,
      schema: 'missing-episode-found',
      valid: () => ({ foundAt: at(0), foundInBorough: CAMDEN, returnedTo: 'home', note: 'safe' }),
      row: () => ({ table: 'missing_episode', id: ids.episode }),
    },
    {
      name: 'POST /v1/missing-episodes/{id}/return-home-interview',
      path: () => `/v1/missing-episodes/${ids.foundEpisode}/return-home-interview`,
      schema: 'return-home-interview',
      valid: () => ({ outcome: 'completed', completedAt: at(0) }),
      row: () => ({ table: 'missing_episode', id: ids.foundEpisode }),
      key: () => council.key,
    },
    {
      name: 'POST /v1/referrals',
      path: () => '/v1/referrals',
      schema: 'referral-submission',
      valid: referral,
    },
    {
      name: 'POST /v1/referrals/{id}/decisions',
      path: () => `/v1/referrals/${ids.referral}/decisions`,
      schema: 'referral-decision',
      valid: () => ({
        stage: 'reasonable_grounds',
        outcome: 'positive',
        decidedOn: new Date().toISOString().slice(0, 10),
      }),
      row: () => ({ table: 'referral', id: ids.referral }),
    },
    {
      name: 'POST /v1/operations',
      path: () => '/v1/operations',
      schema: 'operation-plan',
      valid: operationPlan,
    },
    {
      name: 'POST /v1/operations/{id}/updates',
      path: () => `/v1/operations/${ids.operation}/updates`,
      schema: 'operation-update',
      valid: () => ({
        plannedStart: at(49 * HOUR_MS),
        expectedPeople: { total: 10, women: 5, men: 2, children: 2 },
        leadContact: { name: 'DI Other Lead', phone: '020 7946 0002' },
      }),
      row: () => ({ table: 'operation', id: ids.operation }),
    },
    {
      name: 'POST /v1/operations/{id}/cancellation',
      path: () => `/v1/operations/${ids.operation}/cancellation`,
      schema: 'operation-cancellation',
      valid: () => ({ reason: 'intelligence changed' }),
      row: () => ({ table: 'operation', id: ids.operation }),
    },
    {
      name: 'POST /v1/operations/{id}/outcome',
      path: () => `/v1/operations/${ids.started}/outcome`,
      schema: 'operation-outcome',
      valid: () => ({
        peopleEncountered: 6,
        potentialVictimsIdentified: 3,
        childrenIdentified: 1,
        nrmReferralsMade: 2,
        dutyToNotifyReports: 1,
        arrests: 2,
        restrictedNotes: 'two rooms behind the shop',
      }),
      row: () => ({ table: 'operation', id: ids.started }),
    },
    {
      name: 'POST /v1/bed-requests',
      path: () => '/v1/bed-requests',
      schema: 'bed-request',
      valid: bedRequest,
    },
    {
      name: 'POST /v1/bed-requests/{id}/withdrawal',
      path: () => `/v1/bed-requests/${ids.bed}/withdrawal`,
      schema: 'bed-request-withdrawal',
      valid: () => ({ reason: 'placed_elsewhere' }),
      row: () => ({ table: 'bed_request', id: ids.bed }),
    },
  ];

  const snapshotOf = (target: Target) => async () => {
    const row = target.row?.();
    const resource =
      row === undefined
        ? null
        : (
            await h.db.query<{ r: unknown }>(
              `SELECT to_jsonb(t) AS r FROM "${h.schema}".${row.table} t WHERE id = $1`,
              [row.id],
            )
          ).rows[0]?.r;
    return { counts: await tableCounts(h.db, h.schema), resource };
  };

  it.each(targets.map((t) => [t.name, t] as const))(
    '%s: generated hostile bodies never break it, never slip through',
    async (name, target) => {
      await attackEndpoint(
        {
          name: `intake ${name}`,
          method: 'POST',
          url: `${h.baseUrl}${target.path()}`,
          headers: { authorization: `Bearer ${target.key?.() ?? police.key}` },
          snapshot: snapshotOf(target),
        },
        hostileBodies({ schema: restBodySchema(target.schema), valid: target.valid() }),
        { numRuns: RUNS, tally, knownIssues: KNOWN_ISSUES },
      );
    },
  );

  // Valid JSON text Postgres cannot store (U+0000 in text or jsonb, an unpaired surrogate in
  // jsonb) once passed the contract and failed the INSERT into the outbox — a 500. The JSON
  // parser now refuses it (libs/platform body-guards.ts).
  it('free text with U+0000 or a lone surrogate is a 400, not a 500', async () => {
    const before = await tableCounts(h.db, h.schema);
    const cases: [string, unknown][] = [
      ['/v1/missing-episodes', { ...episodeReport(), circumstances: 'left at 9\u0000pm' }],
      ['/v1/missing-episodes', { ...episodeReport(), circumstances: 'x\uDC00y' }],
      [`/v1/missing-episodes/${ids.episode}/risk-grades`, { riskGrade: 'high', reason: '\uD800' }],
      [`/v1/missing-episodes/${ids.episode}/updates`, { kind: 'update', note: 'called\u0000back' }],
    ];
    const statuses = [];
    for (const [path, body] of cases) statuses.push((await h.post(path, body, police.key)).status);
    expect(statuses).toEqual(cases.map(() => 400));
    expect(await tableCounts(h.db, h.schema)).toEqual(before);
  });

  // Known bug, to be fixed outside this suite: the form parser registered for the e-mailed
  // acknowledgement page (libs/platform configure-http-app.ts) also feeds the JSON API.
  it('a form-encoded body is refused (415), not taken as JSON', async () => {
    const before = await tableCounts(h.db, h.schema);
    const response = await fetch(`${h.baseUrl}/v1/operations/${ids.operation}/cancellation`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${police.key}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'reason=called+off',
    });
    expect(response.status).toBe(415);
    expect(await tableCounts(h.db, h.schema)).toEqual(before);
  });

  it('expired and revoked keys get 401 on every command endpoint, and nothing is stored', async () => {
    const spent = await spentKeys(identity, police.organisationId, ['submit', 'read']);
    const before = await tableCounts(h.db, h.schema);
    for (const target of targets) {
      for (const key of [spent.expired, spent.revoked]) {
        const response = await h.post(target.path(), target.valid(), key);
        tally.record(`intake ${target.name} (spent keys)`, response.status);
        expect({ endpoint: target.name, status: response.status }).toEqual({
          endpoint: target.name,
          status: 401,
        });
        expect(response.headers.get('content-type')).toContain('application/problem+json');
      }
    }
    expect(await tableCounts(h.db, h.schema)).toEqual(before);
  });

  it("another organisation's record is 404 (not 403), and nothing is stored", async () => {
    const before = await tableCounts(h.db, h.schema);
    for (const target of targets.filter((t) => t.row !== undefined && t.key === undefined)) {
      const response = await h.post(target.path(), target.valid(), islingtonPolice.key);
      tally.record(`intake ${target.name} (other organisation)`, response.status);
      expect({ endpoint: target.name, status: response.status }).toEqual({
        endpoint: target.name,
        status: 404,
      });
    }
    expect(await tableCounts(h.db, h.schema)).toEqual(before);
  });
});
