import { uniqueName } from '@harbour/testing';
import {
  CAMDEN,
  IntakeHarness,
  ISLINGTON,
  problemPointers,
  type TestOrganisation,
} from '../test-support/intake-harness';

jest.setTimeout(90_000);

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();
/** Found and interview times must follow the report, which was just made. */
const justNow = () => new Date().toISOString();

const childReport = (overrides: Record<string, unknown> = {}) => ({
  child: { ageYears: 14, ageDisputed: false, gender: 'female', givenName: 'Progress' },
  traffickingMarkers: ['suspected_exploitation'],
  borough: CAMDEN,
  riskGrade: 'medium',
  lastSeenAt: minutesAgo(30),
  ...overrides,
});

describe('intake: what happens to a missing episode after the report', () => {
  let h: IntakeHarness;
  let camdenPolice: TestOrganisation;
  let camdenMissingUnit: TestOrganisation;
  let camdenCouncil: TestOrganisation;
  let islingtonPolice: TestOrganisation;
  let coordinator: TestOrganisation;
  let camdenNgo: TestOrganisation;
  let readOnlyKey: string;

  beforeAll(async () => {
    h = await IntakeHarness.start(['harbour.intake.missing-episode.v1']);
    camdenPolice = await h.organisation('police_borough', [CAMDEN]);
    camdenMissingUnit = await h.organisation('missing_person_unit', [CAMDEN]);
    camdenCouncil = await h.organisation('local_authority', [CAMDEN]);
    islingtonPolice = await h.organisation('police_borough', [ISLINGTON]);
    coordinator = await h.organisation('coordinator', ['pan_london']);
    camdenNgo = await h.organisation('ngo', [CAMDEN]);
    readOnlyKey = await h.keyFor(camdenPolice.organisationId, ['read']);
  });

  afterAll(async () => {
    await h.close();
  });

  async function report(body: Record<string, unknown> = childReport()): Promise<string> {
    const response = await h.post('/v1/missing-episodes', body, camdenPolice.key);
    expect(response.status).toBe(202);
    return ((await response.json()) as { episodeId: string }).episodeId;
  }

  /** Nothing written for the episode since the report: no timeline entry, no new event. */
  async function untouched(episodeId: string, outboxBefore: number): Promise<void> {
    expect(await h.count('missing_episode_entry', 'episode_id = $1', [episodeId])).toBe(0);
    expect(await h.outboxCount()).toBe(outboxBefore);
    const stored = await h.db.query<{ status: string; risk_grade: string }>(
      `SELECT status, risk_grade FROM "${h.schema}".missing_episode WHERE id = $1`,
      [episodeId],
    );
    expect(stored.rows[0]).toEqual({ status: 'missing', risk_grade: 'medium' });
  }

  it('regrade, sighting, found and return home interview: each answers 201 and publishes its event', async () => {
    const episodeId = await report();
    const path = `/v1/missing-episodes/${episodeId}`;

    const regrade = await h.post(
      `${path}/risk-grades`,
      { riskGrade: 'high', reason: 'seen with an older man' },
      camdenPolice.key,
    );
    expect(regrade.status).toBe(201);
    const regraded = (await regrade.json()) as Record<string, unknown>;
    expect(regraded).toEqual({
      episodeId,
      status: 'missing',
      previousRiskGrade: 'medium',
      riskGrade: 'high',
      regradedAt: expect.any(String) as unknown,
    });
    expect((await h.published('harbour.missing-episode.risk-regraded', episodeId)).data).toEqual({
      episodeId,
      regradedBy: {
        organisationId: camdenPolice.organisationId,
        organisationKind: 'police_borough',
      },
      regradedAt: regraded['regradedAt'],
      previousRiskGrade: 'medium',
      riskGrade: 'high',
      reason: 'seen with an older man',
    });

    const seenAt = minutesAgo(10);
    const note = '<script>alert("x")</script> seen at the <b>station</b> & left';
    const update = await h.post(
      `${path}/updates`,
      { kind: 'sighting', seenAt, location: { postcode: 'nw1 2db', borough: CAMDEN }, note },
      camdenMissingUnit.key,
    );
    expect(update.status).toBe(201);
    expect(update.headers.get('content-type')).toContain('application/json');
    const updated = (await update.json()) as { updateId: string };
    expect(updated).toMatchObject({ episodeId, kind: 'sighting', seenAt });
    expect(JSON.stringify(updated)).not.toContain('station');
    const updateEvent = await h.published('harbour.missing-episode.updated', episodeId);
    // Free text travels verbatim (HTML included); whoever renders it escapes it.
    expect(updateEvent.data).toMatchObject({
      kind: 'sighting',
      seenAt,
      note,
      location: { postcode: 'nw1 2db', borough: CAMDEN },
      recordedBy: { organisationKind: 'missing_person_unit' },
    });
    const entry = await h.db.query<{ details: unknown; personal_encrypted: string }>(
      `SELECT details, personal_encrypted FROM "${h.schema}".missing_episode_entry
        WHERE episode_id = $1 AND kind = 'updated'`,
      [episodeId],
    );
    expect(JSON.stringify(entry.rows[0]!.details)).not.toContain('station');
    expect(
      h.cipher.decryptJson(entry.rows[0]!.personal_encrypted, 'missing_episode_entry.personal'),
    ).toEqual({ note });

    const foundAt = justNow();
    const found = await h.post(
      `${path}/found`,
      { foundAt, foundInBorough: CAMDEN, returnedTo: 'care_placement', note: 'safe' },
      camdenPolice.key,
    );
    expect(found.status).toBe(201);
    const dueBy = new Date(Date.parse(foundAt) + 72 * 3_600_000).toISOString();
    expect(await found.json()).toEqual({
      episodeId,
      status: 'found',
      foundAt,
      recordedAt: expect.any(String) as unknown,
      returnHomeInterviewDueBy: dueBy,
    });
    expect((await h.published('harbour.missing-episode.found', episodeId)).data).toMatchObject({
      episodeId,
      foundAt,
      foundInBorough: CAMDEN,
      returnedTo: 'care_placement',
      returnHomeInterviewDueBy: dueBy,
      note: 'safe',
    });

    // A closed episode takes no more changes.
    expect((await h.post(`${path}/found`, { foundAt }, camdenPolice.key)).status).toBe(409);
    expect(
      (await h.post(`${path}/risk-grades`, { riskGrade: 'low' }, camdenPolice.key)).status,
    ).toBe(409);
    expect(
      (await h.post(`${path}/updates`, { kind: 'update', note: 'late' }, camdenPolice.key)).status,
    ).toBe(409);

    const completedAt = justNow();
    const interview = await h.post(
      `${path}/return-home-interview`,
      { outcome: 'completed', completedAt },
      camdenCouncil.key,
    );
    expect(interview.status).toBe(201);
    expect(await interview.json()).toEqual({
      episodeId,
      outcome: 'completed',
      completedAt,
      recordedAt: expect.any(String) as unknown,
    });
    expect(
      (await h.published('harbour.missing-episode.return-interview-recorded', episodeId)).data,
    ).toMatchObject({ episodeId, outcome: 'completed', completedAt });
    expect(
      (
        await h.post(
          `${path}/return-home-interview`,
          { outcome: 'completed', completedAt },
          camdenCouncil.key,
        )
      ).status,
    ).toBe(409);

    const read = await h.get(path, camdenPolice.key);
    expect(read.status).toBe(200);
    const view = (await read.json()) as Record<string, unknown> & {
      timeline: { kind: string }[];
    };
    expect(view).toMatchObject({
      episodeId,
      status: 'found',
      riskGrade: 'high',
      foundAt,
      returnHomeInterview: { dueBy, outcome: 'completed', completedAt },
    });
    expect(view.timeline.map((e) => e.kind)).toEqual([
      'reported',
      'risk_regraded',
      'updated',
      'found',
      'return_interview_recorded',
    ]);
    expect(view.timeline[0]).toMatchObject({ details: { riskGrade: 'medium' } });
    // The timeline holds no personal data: names, notes and reasons stay encrypted.
    expect(JSON.stringify(view)).not.toMatch(/Progress|older man|station|safe/);
    // The local authority that did the interview may read it too; another borough may not.
    expect((await h.get(path, camdenCouncil.key)).status).toBe(200);
    expect((await h.get(path, islingtonPolice.key)).status).toBe(404);
  });

  it('an adult found needs no return home interview', async () => {
    const episodeId = await report(
      childReport({ child: { ageYears: 22, ageDisputed: false, gender: 'male' } }),
    );
    const found = await h.post(
      `/v1/missing-episodes/${episodeId}/found`,
      { foundAt: justNow() },
      camdenPolice.key,
    );
    expect(found.status).toBe(201);
    expect(await found.json()).not.toHaveProperty('returnHomeInterviewDueBy');
    const event = await h.published('harbour.missing-episode.found', episodeId);
    expect(event.data).not.toHaveProperty('returnHomeInterviewDueBy');
    const interview = await h.post(
      `/v1/missing-episodes/${episodeId}/return-home-interview`,
      { outcome: 'completed', completedAt: justNow() },
      camdenCouncil.key,
    );
    expect(interview.status).toBe(409);
  });

  it('refuses bad input with a 400 naming the field, writing nothing', async () => {
    const episodeId = await report(childReport({ lastSeenAt: minutesAgo(60) }));
    const path = `/v1/missing-episodes/${episodeId}`;
    const before = await h.outboxCount();
    const cases: [string, string, unknown, string[]][] = [
      ['found in the future', 'found', { foundAt: inMinutes(60) }, ['/foundAt']],
      // Last seen an hour ago, reported a moment ago: found half an hour ago is before the report.
      ['found before it was reported', 'found', { foundAt: minutesAgo(30) }, ['/foundAt']],
      ['found before last seen', 'found', { foundAt: minutesAgo(90) }, ['/foundAt']],
      [
        'an unknown borough',
        'found',
        { foundAt: justNow(), foundInBorough: 'E09000099' },
        ['/foundInBorough'],
      ],
      ['an oversized note', 'found', { foundAt: justNow(), note: 'x'.repeat(4001) }, ['/note']],
      ['an unknown field', 'found', { foundAt: justNow(), foundBy: 'PC 123' }, ['/foundBy']],
      ['a date that is not a date', 'found', { foundAt: 'yesterday' }, ['/foundAt']],
      ['an unknown grade', 'risk-grades', { riskGrade: 'extreme' }, ['/riskGrade']],
      ['the same grade', 'risk-grades', { riskGrade: 'medium' }, []],
      [
        'seen in the future',
        'updates',
        { kind: 'sighting', seenAt: inMinutes(60), note: 'n' },
        ['/seenAt'],
      ],
      [
        'seen before last seen',
        'updates',
        { kind: 'sighting', seenAt: minutesAgo(120), note: 'n' },
        ['/seenAt'],
      ],
      ['an empty note', 'updates', { kind: 'update', note: '' }, ['/note']],
    ];
    for (const [, endpoint, body, pointers] of cases) {
      const response = await h.post(`${path}/${endpoint}`, body, camdenPolice.key);
      if (pointers.length === 0) expect(response.status).toBe(409);
      else expect(await problemPointers(response)).toEqual(pointers);
    }
    // The interview comes only after found.
    expect(
      (
        await h.post(
          `${path}/return-home-interview`,
          { outcome: 'completed', completedAt: justNow() },
          camdenCouncil.key,
        )
      ).status,
    ).toBe(409);
    await untouched(episodeId, before);
  });

  it('allows the reporting kinds of the borough and coordinators; others get 403 or 404', async () => {
    const episodeId = await report();
    const path = `/v1/missing-episodes/${episodeId}`;
    const before = await h.outboxCount();
    // Wrong kind or role: 403 whatever the episode.
    expect((await h.post(`${path}/found`, { foundAt: justNow() }, camdenNgo.key)).status).toBe(403);
    expect((await h.post(`${path}/found`, { foundAt: justNow() }, readOnlyKey)).status).toBe(403);
    expect(
      (
        await h.post(
          `${path}/return-home-interview`,
          { outcome: 'completed', completedAt: justNow() },
          camdenPolice.key,
        )
      ).status,
    ).toBe(403);
    expect((await h.post(`${path}/found`, { foundAt: justNow() }, undefined)).status).toBe(401);
    // Right kind, another borough: the episode does not exist for them.
    expect(
      (await h.post(`${path}/found`, { foundAt: justNow() }, islingtonPolice.key)).status,
    ).toBe(404);
    expect(
      (
        await h.post(
          '/v1/missing-episodes/00000000-0000-4000-8000-000000000000/found',
          { foundAt: justNow() },
          camdenPolice.key,
        )
      ).status,
    ).toBe(404);
    await untouched(episodeId, before);

    const regrade = await h.post(`${path}/risk-grades`, { riskGrade: 'low' }, coordinator.key);
    expect(regrade.status).toBe(201);
    const found = await h.post(`${path}/found`, { foundAt: justNow() }, camdenCouncil.key);
    expect(found.status).toBe(201);
  });

  it('replays the first answer for a repeated Idempotency-Key, even when sent concurrently', async () => {
    const episodeId = await report();
    const path = `/v1/missing-episodes/${episodeId}/found`;
    const before = await h.outboxCount();
    const key = uniqueName('found');
    const body = { foundAt: justNow() };
    const responses = await Promise.all(
      [1, 2, 3].map(() => h.post(path, body, camdenPolice.key, { 'idempotency-key': key })),
    );
    expect(responses.map((r) => r.status)).toEqual([201, 201, 201]);
    const bodies = await Promise.all(responses.map((r) => r.text()));
    expect(new Set(bodies).size).toBe(1);
    expect(responses.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(
      2,
    );
    expect(await h.outboxCount()).toBe(before + 1);
    expect(await h.count('missing_episode_entry', 'episode_id = $1', [episodeId])).toBe(1);

    const changed = await h.post(
      path,
      { foundAt: justNow(), returnedTo: 'home' },
      camdenPolice.key,
      {
        'idempotency-key': key,
      },
    );
    expect(changed.status).toBe(422);
    // Without the key, the same request is a second "found": refused.
    expect((await h.post(path, body, camdenPolice.key)).status).toBe(409);
    expect(await h.outboxCount()).toBe(before + 1);
  });
});
