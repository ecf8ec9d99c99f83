import { addCalendarDays, addWorkingDays, LONDON_AUTHORITIES, londonDateOf } from '@harbour/london';
import { uniqueName } from '@harbour/testing';
import {
  CAMDEN,
  IntakeHarness,
  ISLINGTON,
  problemPointers,
  type TestOrganisation,
} from '../test-support/intake-harness';

jest.setTimeout(90_000);

const HTML = '<script>alert("x")</script><img src=x onerror=alert(2)> & "quotes"';
const NEGATIVE_RULE =
  '9 working days after a negative decision (England and Wales bank holidays excluded)';
const POSITIVE_CG_RULE =
  'support ends at least 45 days after a positive Conclusive Grounds decision';

const adult = (overrides: Record<string, unknown> = {}) => ({
  person: {
    givenName: 'Zorila',
    familyName: 'Quennell',
    aliases: ['Zoz'],
    dateOfBirth: '1994-03-17',
    gender: 'female',
    nationality: 'AL',
    languages: ['sq'],
    speaksEnglish: false,
  },
  exploitationTypes: ['labour', 'criminal'],
  borough: CAMDEN,
  locations: [
    {
      postcode: 'nw1 2db',
      address: '17 Quennell Yard, Camden',
      borough: CAMDEN,
      kind: 'exploitation',
    },
    { postcode: 'N1 9GU', kind: 'residence' },
  ],
  indicators: ['no identity documents', 'debt bondage'],
  narrative: HTML,
  responder: { name: 'PC Responder', phone: '+44 20 7946 0001', email: 'pc@example.org' },
  consent: { nrm: true, shareWith: ['ngo', 'housing_provider'] },
  accommodationNeed: { urgency: 'tonight', dependants: 1 },
  ...overrides,
});

describe('intake: referrals', () => {
  let h: IntakeHarness;
  let camdenPolice: TestOrganisation;
  let islingtonPolice: TestOrganisation;
  let coordinator: TestOrganisation;
  let housing: TestOrganisation;
  let readOnlyKey: string;
  const today = () => londonDateOf(new Date());

  beforeAll(async () => {
    h = await IntakeHarness.start([
      'harbour.intake.referral.v1',
      'harbour.intake.missing-episode.v1',
      'harbour.intake.bed-request.v1',
    ]);
    camdenPolice = await h.organisation('police_borough', [CAMDEN]);
    islingtonPolice = await h.organisation('police_borough', [ISLINGTON]);
    coordinator = await h.organisation('coordinator', ['pan_london']);
    housing = await h.organisation('housing_provider', [CAMDEN]);
    readOnlyKey = await h.keyFor(camdenPolice.organisationId, ['read']);
  });

  afterAll(async () => {
    await h.close();
  });

  async function refer(body: unknown = adult()): Promise<string> {
    const response = await h.post('/v1/referrals', body, camdenPolice.key);
    expect(response.status).toBe(202);
    return ((await response.json()) as { referralId: string }).referralId;
  }

  /** The whole stored row, every column, as text: what a database reader would see. */
  async function storedRow(referralId: string): Promise<{ text: string; personal: string }> {
    const result = await h.db.query<{ row: Record<string, unknown> }>(
      `SELECT row_to_json(r) AS row FROM "${h.schema}".referral r WHERE id = $1`,
      [referralId],
    );
    const row = result.rows[0]!.row;
    return { text: JSON.stringify(row), personal: row['personal_encrypted'] as string };
  }

  it('an adult who consents: 202, Location, the event with personal details, stored encrypted', async () => {
    const response = await h.post('/v1/referrals', adult(), camdenPolice.key);
    expect(response.status).toBe(202);
    const body = (await response.json()) as { referralId: string };
    expect(body).toEqual({
      referralId: expect.any(String) as unknown,
      status: 'accepted',
      mechanism: 'nrm',
      isChild: false,
      location: `/v1/referrals/${body.referralId}`,
      bedRequestId: expect.any(String) as unknown,
    });
    expect(response.headers.get('location')).toBe(`/v1/referrals/${body.referralId}`);

    const event = await h.published('harbour.referral.submitted', body.referralId);
    expect(event.data).toEqual({
      referralId: body.referralId,
      submittedBy: {
        organisationId: camdenPolice.organisationId,
        organisationKind: 'police_borough',
      },
      submittedAt: expect.any(String) as unknown,
      mechanism: 'nrm',
      subject: {
        isChild: false,
        ageDisputed: false,
        ageYears: expect.any(Number) as unknown,
        gender: 'female',
        speaksEnglish: false,
      },
      exploitationTypes: ['labour', 'criminal'],
      borough: CAMDEN,
      languages: ['sq'],
      linkedLocations: [
        {
          postcode: 'nw1 2db',
          address: '17 Quennell Yard, Camden',
          borough: CAMDEN,
          kind: 'exploitation',
        },
        { postcode: 'N1 9GU', kind: 'residence' },
      ],
      personal: {
        givenName: 'Zorila',
        familyName: 'Quennell',
        aliases: ['Zoz'],
        dateOfBirth: '1994-03-17',
        nationality: 'AL',
        narrative: HTML,
        responder: { name: 'PC Responder', phone: '+44 20 7946 0001', email: 'pc@example.org' },
      },
      indicators: ['no identity documents', 'debt bondage'],
      consent: { nrm: true, shareWith: ['ngo', 'housing_provider'] },
      accommodationNeed: { urgency: 'tonight', dependants: 1 },
    });

    // Nothing personal in a clear column; the encrypted column holds it, HTML verbatim.
    const stored = await storedRow(body.referralId);
    expect(stored.text).not.toMatch(/Zorila|Quennell|Zoz|1994-03-17|"AL"|script|Responder/);
    expect(h.cipher.decryptJson(stored.personal, 'referral.personal')).toMatchObject({
      givenName: 'Zorila',
      narrative: HTML,
      locationAddresses: [{ index: 0, address: '17 Quennell Yard, Camden' }],
    });

    const read = await h.get(`/v1/referrals/${body.referralId}`, camdenPolice.key);
    expect(read.status).toBe(200);
    expect(read.headers.get('content-type')).toContain('application/json');
    const view = (await read.json()) as Record<string, unknown>;
    expect(view).toMatchObject({
      referralId: body.referralId,
      mechanism: 'nrm',
      status: 'awaiting_reasonable_grounds',
      borough: CAMDEN,
      submittedOn: today(),
      decisions: [],
      deadlines: { reasonableGroundsTargetBy: addWorkingDays(today(), 5) },
    });
    expect(JSON.stringify(view)).not.toMatch(/Zorila|Quennell|script/);
    expect((await h.get(`/v1/referrals/${body.referralId}`, coordinator.key)).status).toBe(200);
    expect((await h.get(`/v1/referrals/${body.referralId}`, islingtonPolice.key)).status).toBe(404);
  });

  it('a child is referred into the NRM without consent', async () => {
    const referralId = await refer(
      adult({
        person: { dateOfBirth: addCalendarDays(today(), -16 * 365), gender: 'male' },
        consent: { nrm: false },
      }),
    );
    const event = await h.published('harbour.referral.submitted', referralId);
    expect(event.data).toMatchObject({
      mechanism: 'nrm',
      subject: { isChild: true, ageYears: 15 },
      consent: { nrm: true, shareWith: [] },
      personal: { narrative: HTML },
    });
  });

  it('an adult without consent: a Duty to Notify record that never stores who they are', async () => {
    const response = await h.post(
      '/v1/referrals',
      adult({ consent: { nrm: false, shareWith: ['ngo'] } }),
      camdenPolice.key,
    );
    expect(response.status).toBe(202);
    const body = (await response.json()) as { referralId: string; bedRequestId: string };
    expect(body).toEqual({
      referralId: body.referralId,
      status: 'accepted',
      mechanism: 'duty_to_notify',
      isChild: false,
      location: `/v1/referrals/${body.referralId}`,
      bedRequestId: expect.any(String) as unknown,
      discarded: [
        '/person/givenName',
        '/person/familyName',
        '/person/aliases',
        '/person/dateOfBirth',
        '/person/nationality',
        '/narrative',
        '/locations/0/address',
      ],
    });

    // Read the table itself: not in clear, and not in the encrypted column either.
    const stored = await storedRow(body.referralId);
    expect(stored.text).not.toMatch(/Zorila|Quennell|Zoz|1994-03-17|"AL"|script|Quennell Yard/);
    const personal = h.cipher.decryptJson(stored.personal, 'referral.personal');
    expect(personal).toEqual({
      responder: { name: 'PC Responder', phone: '+44 20 7946 0001', email: 'pc@example.org' },
    });
    const idempotencyRows = await h.db.query<{ response_body: string }>(
      `SELECT response_body FROM "${h.schema}".idempotency_record`,
    );
    expect(JSON.stringify(idempotencyRows.rows)).not.toMatch(/Zorila|Quennell/);

    const event = await h.published('harbour.referral.submitted', body.referralId);
    expect(event.data).not.toHaveProperty('personal');
    expect(JSON.stringify(event.data)).not.toMatch(/Zorila|Quennell|Zoz|1994|script|Responder/);
    expect(event.data).toMatchObject({
      mechanism: 'duty_to_notify',
      subject: { isChild: false, gender: 'female', ageYears: expect.any(Number) as unknown },
      linkedLocations: [
        { postcode: 'nw1 2db', borough: CAMDEN, kind: 'exploitation' },
        { postcode: 'N1 9GU', kind: 'residence' },
      ],
      indicators: ['no identity documents', 'debt bondage'],
      consent: { nrm: false, shareWith: ['ngo'] },
      accommodationNeed: { urgency: 'tonight', dependants: 1 },
    });

    const view = (await (
      await h.get(`/v1/referrals/${body.referralId}`, camdenPolice.key)
    ).json()) as {
      status: string;
      deadlines: unknown;
    };
    expect(view).toMatchObject({ status: 'duty_to_notify', deadlines: {} });
    const decision = await h.post(
      `/v1/referrals/${body.referralId}/decisions`,
      { stage: 'reasonable_grounds', outcome: 'positive', decidedOn: today() },
      camdenPolice.key,
    );
    expect(decision.status).toBe(409);
  });

  it('refuses bad submissions with a 400 naming the field, storing nothing', async () => {
    const before = {
      referrals: await h.count('referral'),
      bedRequests: await h.count('bed_request'),
      outbox: await h.outboxCount(),
    };
    const { dateOfBirth: _dob, ...noDob } = adult().person;
    const cases: [string, unknown, string[]][] = [
      [
        'a date of birth in the future',
        adult({ person: { ...adult().person, dateOfBirth: addCalendarDays(today(), 1) } }),
        ['/person/dateOfBirth'],
      ],
      ['no age at all', adult({ person: noDob }), ['/person']],
      [
        'an estimate contradicting the date of birth',
        adult({ person: { ...adult().person, ageEstimateYears: 20 } }),
        ['/person/ageEstimateYears'],
      ],
      ['an unknown borough', adult({ borough: 'E09000099' }), ['/borough']],
      [
        'an unknown location borough',
        adult({ locations: [{ postcode: 'NW1 2DB', borough: 'Camden' }] }),
        ['/locations/0/borough'],
      ],
      [
        'an invalid postcode',
        adult({ locations: [{ postcode: 'NOT A POSTCODE' }] }),
        ['/locations/0/postcode'],
      ],
      ['an oversized narrative', adult({ narrative: 'x'.repeat(10_001) }), ['/narrative']],
      ['an unknown field', { ...adult(), victimName: 'Zorila' }, ['/victimName']],
      [
        'immigration as a sharing partner',
        adult({ consent: { nrm: true, shareWith: ['immigration'] } }),
        ['/consent/shareWith/0'],
      ],
      ['no responder', { ...adult(), responder: undefined }, ['/responder']],
      [
        'an accommodation need ruling out every borough',
        adult({
          accommodationNeed: {
            urgency: 'tonight',
            notNearBoroughs: LONDON_AUTHORITIES.map((a) => a.gss),
          },
        }),
        ['/accommodationNeed/notNearBoroughs'],
      ],
    ];
    for (const [name, body, pointers] of cases) {
      const response = await h.post('/v1/referrals', body, camdenPolice.key);
      expect([name, await problemPointers(response)]).toEqual([name, pointers]);
    }
    expect(await h.count('referral')).toBe(before.referrals);
    expect(await h.count('bed_request')).toBe(before.bedRequests);
    expect(await h.outboxCount()).toBe(before.outbox);
  });

  it('first responders serving the borough only: others 403, unknown keys 401', async () => {
    const before = await h.count('referral');
    expect((await h.post('/v1/referrals', adult(), housing.key)).status).toBe(403);
    expect((await h.post('/v1/referrals', adult(), readOnlyKey)).status).toBe(403);
    expect((await h.post('/v1/referrals', adult(), islingtonPolice.key)).status).toBe(403);
    expect((await h.post('/v1/referrals', adult(), undefined)).status).toBe(401);
    expect(await h.count('referral')).toBe(before);
  });

  it('Reasonable then Conclusive Grounds: deadlines computed, one event each, refusals write nothing', async () => {
    const referralId = await refer();
    const path = `/v1/referrals/${referralId}/decisions`;
    // Submitted 60 days ago, so both decisions can lie in the past 30 days apart.
    const submittedOn = addCalendarDays(today(), -60);
    await h.db.query(
      `UPDATE "${h.schema}".referral SET submitted_on = $2, submitted_at = $3 WHERE id = $1`,
      [referralId, submittedOn, `${submittedOn}T12:00:00Z`],
    );
    const rgOn = addCalendarDays(today(), -50);
    const cgOn = addCalendarDays(rgOn, 30);
    const decisionsCount = () => h.count('referral_decision', 'referral_id = $1', [referralId]);
    const before = await h.outboxCount();

    const refusals: [string, unknown, number, string[]?][] = [
      ['CG before RG', { stage: 'conclusive_grounds', outcome: 'positive', decidedOn: cgOn }, 409],
      [
        'RG in the future',
        {
          stage: 'reasonable_grounds',
          outcome: 'positive',
          decidedOn: addCalendarDays(today(), 1),
        },
        400,
        ['/decidedOn'],
      ],
      [
        'RG before submission',
        {
          stage: 'reasonable_grounds',
          outcome: 'positive',
          decidedOn: addCalendarDays(submittedOn, -1),
        },
        400,
        ['/decidedOn'],
      ],
      [
        'supportEndsOn with RG',
        { stage: 'reasonable_grounds', outcome: 'positive', decidedOn: rgOn, supportEndsOn: cgOn },
        400,
        ['/supportEndsOn'],
      ],
      [
        'an unknown stage',
        { stage: 'final', outcome: 'positive', decidedOn: rgOn },
        400,
        ['/stage'],
      ],
    ];
    for (const [name, body, status, pointers] of refusals) {
      const response = await h.post(path, body, camdenPolice.key);
      if (pointers) expect([name, await problemPointers(response)]).toEqual([name, pointers]);
      else expect([name, response.status]).toEqual([name, status]);
    }
    expect(await decisionsCount()).toBe(0);
    expect(await h.outboxCount()).toBe(before);

    const rg = await h.post(
      path,
      { stage: 'reasonable_grounds', outcome: 'positive', decidedOn: rgOn },
      camdenPolice.key,
    );
    expect(rg.status).toBe(201);
    expect(rg.headers.get('location')).toBe(`/v1/referrals/${referralId}`);
    expect(await rg.json()).toEqual({
      referralId,
      decision: {
        stage: 'reasonable_grounds',
        outcome: 'positive',
        decidedOn: rgOn,
        recordedAt: expect.any(String) as unknown,
      },
      status: 'awaiting_conclusive_grounds',
      deadlines: {
        reasonableGroundsTargetBy: addWorkingDays(submittedOn, 5),
        recoveryPeriodEndsOn: cgOn,
        conclusiveGroundsNotBefore: cgOn,
      },
    });
    const rgEvent = await h.published('harbour.referral.decision-recorded', referralId);
    expect(rgEvent.data).toEqual({
      referralId,
      recordedBy: {
        organisationId: camdenPolice.organisationId,
        organisationKind: 'police_borough',
      },
      recordedAt: expect.any(String) as unknown,
      stage: 'reasonable_grounds',
      outcome: 'positive',
      decidedOn: rgOn,
    });

    const afterRg = await h.outboxCount();
    const cgRefusals: [string, unknown, number, string[]?][] = [
      ['a second RG', { stage: 'reasonable_grounds', outcome: 'negative', decidedOn: rgOn }, 409],
      [
        'CG 29 days after RG',
        { stage: 'conclusive_grounds', outcome: 'positive', decidedOn: addCalendarDays(rgOn, 29) },
        400,
        ['/decidedOn'],
      ],
      [
        'support ending 44 days after CG',
        {
          stage: 'conclusive_grounds',
          outcome: 'positive',
          decidedOn: cgOn,
          supportEndsOn: addCalendarDays(cgOn, 44),
        },
        400,
        ['/supportEndsOn'],
      ],
      [
        'supportEndsOn with a negative CG',
        {
          stage: 'conclusive_grounds',
          outcome: 'negative',
          decidedOn: cgOn,
          supportEndsOn: addCalendarDays(cgOn, 60),
        },
        400,
        ['/supportEndsOn'],
      ],
    ];
    for (const [name, body, status, pointers] of cgRefusals) {
      const response = await h.post(path, body, camdenPolice.key);
      if (pointers) expect([name, await problemPointers(response)]).toEqual([name, pointers]);
      else expect([name, response.status]).toEqual([name, status]);
    }
    expect(await decisionsCount()).toBe(1);
    expect(await h.outboxCount()).toBe(afterRg);

    // A coordinator may record it too; support defaults to 45 days.
    const cg = await h.post(
      path,
      { stage: 'conclusive_grounds', outcome: 'positive', decidedOn: cgOn },
      coordinator.key,
    );
    expect(cg.status).toBe(201);
    const supportEndsOn = addCalendarDays(cgOn, 45);
    expect(await cg.json()).toMatchObject({
      decision: {
        stage: 'conclusive_grounds',
        outcome: 'positive',
        decidedOn: cgOn,
        supportEndsOn,
        moveOnDeadline: supportEndsOn,
        moveOnDeadlineRule: POSITIVE_CG_RULE,
      },
      status: 'positive_conclusive_grounds',
      deadlines: {
        supportEndsOn,
        moveOnDeadline: supportEndsOn,
        moveOnDeadlineRule: POSITIVE_CG_RULE,
      },
    });
    const [, cgEvent] = await h.publishedAll('harbour.referral.decision-recorded', referralId, 2);
    expect(cgEvent!.data).toMatchObject({
      stage: 'conclusive_grounds',
      supportEndsOn,
      moveOnDeadline: supportEndsOn,
      moveOnDeadlineRule: POSITIVE_CG_RULE,
      recordedBy: { organisationKind: 'coordinator' },
    });

    const view = (await (await h.get(`/v1/referrals/${referralId}`, camdenPolice.key)).json()) as {
      decisions: unknown[];
      status: string;
    };
    expect(view.status).toBe('positive_conclusive_grounds');
    expect(view.decisions).toHaveLength(2);
  });

  it('a negative decision today: move-on in 9 working days, replayed for its Idempotency-Key; other organisations get 404', async () => {
    const referralId = await refer();
    const path = `/v1/referrals/${referralId}/decisions`;
    const body = { stage: 'reasonable_grounds', outcome: 'negative', decidedOn: today() };
    expect((await h.post(path, body, islingtonPolice.key)).status).toBe(404);
    expect((await h.post(path, body, housing.key)).status).toBe(403);
    expect((await h.post(path, body, readOnlyKey)).status).toBe(403);

    const before = await h.outboxCount();
    const key = { 'idempotency-key': uniqueName('decision') };
    const response = await h.post(path, body, camdenPolice.key, key);
    expect(response.status).toBe(201);
    const replay = await h.post(path, body, camdenPolice.key, key);
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await h.count('referral_decision', 'referral_id = $1', [referralId])).toBe(1);
    expect(await h.outboxCount()).toBe(before + 1);
    const moveOnDeadline = addWorkingDays(today(), 9);
    expect(await response.json()).toMatchObject({
      decision: { moveOnDeadline, moveOnDeadlineRule: NEGATIVE_RULE },
      status: 'negative_reasonable_grounds',
      deadlines: { moveOnDeadline, moveOnDeadlineRule: NEGATIVE_RULE },
    });
    expect(
      (await h.published('harbour.referral.decision-recorded', referralId)).data,
    ).toMatchObject({
      outcome: 'negative',
      moveOnDeadline,
      moveOnDeadlineRule: NEGATIVE_RULE,
    });
    // After a negative RG there is no Conclusive Grounds decision.
    expect(
      (
        await h.post(
          path,
          { stage: 'conclusive_grounds', outcome: 'negative', decidedOn: today() },
          camdenPolice.key,
        )
      ).status,
    ).toBe(409);
  });

  it('replays the first answer for a repeated Idempotency-Key, even when sent concurrently', async () => {
    const before = {
      referrals: await h.count('referral'),
      bedRequests: await h.count('bed_request'),
      outbox: await h.outboxCount(),
    };
    const key = uniqueName('referral');
    const responses = await Promise.all(
      [1, 2, 3].map(() =>
        h.post('/v1/referrals', adult(), camdenPolice.key, { 'idempotency-key': key }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual([202, 202, 202]);
    expect(new Set(await Promise.all(responses.map((r) => r.text()))).size).toBe(1);
    expect(responses.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(
      2,
    );
    // One referral and the one bed request its accommodation need became, one event each.
    expect(await h.count('referral')).toBe(before.referrals + 1);
    expect(await h.count('bed_request')).toBe(before.bedRequests + 1);
    expect(await h.outboxCount()).toBe(before.outbox + 2);
    const changed = await h.post(
      '/v1/referrals',
      adult({ borough: CAMDEN, indicators: ['other'] }),
      camdenPolice.key,
      {
        'idempotency-key': key,
      },
    );
    expect(changed.status).toBe(422);
    expect(await h.count('referral')).toBe(before.referrals + 1);
  });

  describe('an accommodation need becomes a bed request', () => {
    const DAY_MS = 24 * 3_600_000;
    const NAMES = /Zorila|Quennell|Zoz|1994-03-17|Responder|script/;

    async function referWithNeed(
      body: unknown,
    ): Promise<{ referralId: string; bedRequestId: string }> {
      const response = await h.post('/v1/referrals', body, camdenPolice.key);
      expect(response.status).toBe(202);
      const answer = (await response.json()) as { referralId: string; bedRequestId?: string };
      expect(answer.bedRequestId).toEqual(expect.any(String));
      return { referralId: answer.referralId, bedRequestId: answer.bedRequestId! };
    }

    it('an NRM adult needing a bed tonight: the bed request carries the names, in the same transaction', async () => {
      const before = await h.outboxCount();
      const { referralId, bedRequestId } = await referWithNeed(
        adult({
          accommodationNeed: {
            urgency: 'tonight',
            dependants: 1,
            accessNeeds: 'cannot use stairs',
            notNearBoroughs: [ISLINGTON],
          },
        }),
      );
      expect(await h.outboxCount()).toBe(before + 2);
      const event = await h.published('harbour.bed-request.submitted', bedRequestId);
      const { neededBy, matchBy } = (
        event.data as { urgency: { neededBy: string; matchBy: string } }
      ).urgency;
      expect(event.data).toEqual({
        requestId: bedRequestId,
        referralId,
        submittedBy: {
          organisationId: camdenPolice.organisationId,
          organisationKind: 'police_borough',
        },
        submittedAt: neededBy,
        borough: CAMDEN,
        needs: {
          gender: 'female',
          ageGroup: 'adult',
          ageYears: expect.any(Number) as unknown,
          accompanyingChildren: 1,
          languages: ['sq'],
          // The referral's access needs are free text: not turned into structured needs.
          accessNeeds: [],
          supportLevel: 'emergency',
          nrmStage: 'pre_nrm',
          nrpf: false,
        },
        urgency: { kind: 'tonight', neededBy, matchBy },
        exclusionZones: { boroughs: [ISLINGTON], around: [] },
        person: { givenName: 'Zorila', familyName: 'Quennell', dateOfBirth: '1994-03-17' },
      });
      expect(Date.parse(matchBy) - Date.parse(neededBy)).toBe(6 * 3_600_000);
      const referralEvent = await h.published('harbour.referral.submitted', referralId);
      expect(referralEvent.data).toMatchObject({ submittedAt: neededBy });

      const view = await h.get(`/v1/bed-requests/${bedRequestId}`, camdenPolice.key);
      expect(view.status).toBe(200);
      expect(await view.json()).toMatchObject({
        requestId: bedRequestId,
        referralId,
        status: 'submitted',
        person: { givenName: 'Zorila' },
      });
      expect((await h.get(`/v1/bed-requests/${bedRequestId}`, islingtonPolice.key)).status).toBe(
        404,
      );
    });

    it('a Duty to Notify record: a bed request with no name at all, not in the NRM', async () => {
      const { bedRequestId } = await referWithNeed(adult({ consent: { nrm: false } }));
      const event = await h.published('harbour.bed-request.submitted', bedRequestId);
      expect(event.data).not.toHaveProperty('person');
      expect(JSON.stringify(event.data)).not.toMatch(NAMES);
      expect(event.data).toMatchObject({
        needs: { nrmStage: 'not_in_nrm', supportLevel: 'emergency', ageGroup: 'adult' },
      });
      const row = await h.db.query<{ row: Record<string, unknown> }>(
        `SELECT row_to_json(b) AS row FROM "${h.schema}".bed_request b WHERE id = $1`,
        [bedRequestId],
      );
      expect(row.rows[0]!.row['person_encrypted']).toBeNull();
      expect(JSON.stringify(row.rows[0]!.row)).not.toMatch(NAMES);
    });

    it.each([
      [
        'a 16-year-old needing a bed soon',
        'soon',
        16,
        'child_16_17',
        'within_days',
        'safe_house',
        3,
        3,
      ],
      [
        'a 12-year-old with a planned move',
        'planned',
        12,
        'child_under_16',
        'planned',
        'move_on',
        14,
        13,
      ],
    ] as const)(
      '%s',
      async (_case, urgency, ageYears, ageGroup, kind, supportLevel, neededInDays, matchInDays) => {
        const { bedRequestId } = await referWithNeed(
          adult({
            person: { gender: 'male', ageEstimateYears: ageYears, languages: ['vi'] },
            accommodationNeed: { urgency, dependants: 12 },
          }),
        );
        const event = await h.published('harbour.bed-request.submitted', bedRequestId);
        const data = event.data as {
          submittedAt: string;
          urgency: { kind: string; neededBy: string; matchBy: string };
        };
        expect(event.data).toMatchObject({
          needs: {
            gender: 'male',
            ageGroup,
            ageYears,
            accompanyingChildren: 10,
            languages: ['vi'],
            supportLevel,
            nrmStage: 'pre_nrm',
          },
          urgency: { kind },
        });
        const submittedAt = Date.parse(data.submittedAt);
        expect(Date.parse(data.urgency.neededBy) - submittedAt).toBe(neededInDays * DAY_MS);
        expect(Date.parse(data.urgency.matchBy) - submittedAt).toBe(matchInDays * DAY_MS);
      },
    );

    it('no accommodation need: no bed request', async () => {
      const response = await h.post(
        '/v1/referrals',
        adult({ accommodationNeed: undefined }),
        camdenPolice.key,
      );
      expect(response.status).toBe(202);
      const answer = (await response.json()) as { referralId: string };
      expect(answer).not.toHaveProperty('bedRequestId');
      expect(await h.count('bed_request', 'referral_id = $1', [answer.referralId])).toBe(0);
    });
  });

  describe('a missing-episode report linked to a referral', () => {
    const report = (linkedReferralId: string) => ({
      child: { ageYears: 15, ageDisputed: false, gender: 'female' },
      traffickingMarkers: ['suspected_exploitation'],
      borough: CAMDEN,
      riskGrade: 'medium',
      lastSeenAt: new Date(Date.now() - 60_000).toISOString(),
      linkedReferralId,
    });

    it('an unknown referral is refused, writing nothing', async () => {
      const before = { episodes: await h.count('missing_episode'), outbox: await h.outboxCount() };
      const response = await h.post(
        '/v1/missing-episodes',
        report('00000000-0000-4000-8000-000000000001'),
        camdenPolice.key,
      );
      expect(await problemPointers(response)).toEqual(['/linkedReferralId']);
      expect(await h.count('missing_episode')).toBe(before.episodes);
      expect(await h.outboxCount()).toBe(before.outbox);
    });

    it.each([
      [
        'an open NRM referral adds open_nrm_referral',
        'open',
        ['suspected_exploitation', 'open_nrm_referral'],
      ],
      ['a referral with a negative decision does not', 'negative', ['suspected_exploitation']],
      ['a Duty to Notify record does not', 'duty_to_notify', ['suspected_exploitation']],
    ] as const)('%s', async (_case, referralState, markers) => {
      const referralId = await refer(
        referralState === 'duty_to_notify' ? adult({ consent: { nrm: false } }) : adult(),
      );
      if (referralState === 'negative') {
        const negative = await h.post(
          `/v1/referrals/${referralId}/decisions`,
          { stage: 'reasonable_grounds', outcome: 'negative', decidedOn: today() },
          camdenPolice.key,
        );
        expect(negative.status).toBe(201);
      }
      const response = await h.post('/v1/missing-episodes', report(referralId), camdenPolice.key);
      expect(response.status).toBe(202);
      const { episodeId } = (await response.json()) as { episodeId: string };
      const event = await h.published('harbour.missing-episode.reported', episodeId);
      expect(event.data).toMatchObject({
        linkedReferralId: referralId,
        traffickingMarkers: markers,
      });
      const view = (await (
        await h.get(`/v1/missing-episodes/${episodeId}`, camdenPolice.key)
      ).json()) as Record<string, unknown>;
      expect(view).toMatchObject({ linkedReferralId: referralId, traffickingMarkers: markers });
    });
  });
});
