import { expectEventually, uniqueName } from '@harbour/testing';
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

const ADDRESS = { line1: '17 Quennell Yard', line2: 'Rear unit', postcode: 'nw1 2db' };
const LEAD = { name: 'DS Verity Lead', phone: '+44 20 7946 0001', email: 'lead@police.example' };

const raid = (overrides: Record<string, unknown> = {}) => ({
  kind: 'raid',
  premisesKind: 'nail_bar',
  address: ADDRESS,
  borough: CAMDEN,
  plannedStart: inHours(24),
  plannedEnd: inHours(28),
  expectedPeople: { total: 8, women: 5, men: 2 },
  expectedLanguages: ['vi'],
  exploitationTypes: ['labour'],
  vulnerablePeopleLikely: true,
  leadContact: LEAD,
  ...overrides,
});

interface ProblemBody {
  detail: string;
}

describe('intake: planned operations and welfare visits', () => {
  let h: IntakeHarness;
  let camdenPolice: TestOrganisation;
  let islingtonPolice: TestOrganisation;
  let immigration: TestOrganisation;
  let coordinator: TestOrganisation;
  let camdenNgo: TestOrganisation;
  let readOnlyKey: string;

  beforeAll(async () => {
    h = await IntakeHarness.start(['harbour.intake.operation.v1']);
    camdenPolice = await h.organisation('police_borough', [CAMDEN]);
    islingtonPolice = await h.organisation('police_borough', [ISLINGTON]);
    immigration = await h.organisation('immigration', ['pan_london']);
    coordinator = await h.organisation('coordinator', ['pan_london']);
    camdenNgo = await h.organisation('ngo', [CAMDEN]);
    readOnlyKey = await h.keyFor(camdenPolice.organisationId, ['read']);
  });

  afterAll(async () => {
    await h.close();
  });

  async function plan(body: unknown = raid(), key = camdenPolice.key): Promise<string> {
    const response = await h.post('/v1/operations', body, key);
    expect(response.status).toBe(202);
    return ((await response.json()) as { operationId: string }).operationId;
  }

  /** Moves an operation's times, as if it had been planned long ago: now is between them. */
  async function underWay(operationId: string): Promise<void> {
    await h.db.query(
      `UPDATE "${h.schema}".operation
          SET planned_start = now() - interval '1 hour', planned_end = now() + interval '3 hours'
        WHERE id = $1`,
      [operationId],
    );
  }

  /** The whole stored row, every column, as text: what a database reader would see. */
  async function storedRow(operationId: string): Promise<Record<string, unknown>> {
    const result = await h.db.query<{ row: Record<string, unknown> }>(
      `SELECT row_to_json(o) AS row FROM "${h.schema}".operation o WHERE id = $1`,
      [operationId],
    );
    return result.rows[0]!.row;
  }

  it('a raid: 202, Location, the planned event with notice and operational fields, the address encrypted', async () => {
    const plannedStart = '2031-06-01T23:30:00Z'; // 00:30 on 2 June in London (BST)
    const plannedEnd = '2031-06-02T04:00:00Z';
    const response = await h.post(
      '/v1/operations',
      raid({ plannedStart, plannedEnd, expectedPeople: { total: 8, women: 5, children: 1 } }),
      camdenPolice.key,
    );
    expect(response.status).toBe(202);
    const body = (await response.json()) as { operationId: string };
    const startWindow = { from: '2031-06-02T00:00:00+01:00', to: '2031-06-03T00:00:00+01:00' };
    expect(body).toEqual({
      operationId: expect.any(String) as unknown,
      status: 'accepted',
      state: 'planned',
      revision: 1,
      startWindow,
      childrenLikely: true,
      location: `/v1/operations/${body.operationId}`,
    });
    expect(response.headers.get('location')).toBe(`/v1/operations/${body.operationId}`);

    const event = await h.published('harbour.operation.planned', body.operationId);
    expect(event.data).toEqual({
      operationId: body.operationId,
      plannedBy: {
        organisationId: camdenPolice.organisationId,
        organisationKind: 'police_borough',
      },
      plannedAt: expect.any(String) as unknown,
      operation: {
        kind: 'raid',
        borough: CAMDEN,
        premisesKind: 'nail_bar',
        startWindow,
        exploitationTypes: ['labour'],
        vulnerablePeopleLikely: true,
        childrenLikely: true,
        expectedPeople: { total: 8, women: 5, children: 1 },
        expectedLanguages: ['vi'],
        operational: {
          address: { ...ADDRESS, postcode: 'NW1 2DB' },
          startsAt: '2031-06-01T23:30:00.000Z',
          endsAt: '2031-06-02T04:00:00.000Z',
          timeZone: 'Europe/London',
          leadContact: LEAD,
        },
      },
    });

    // Neither the address nor the lead contact is in a clear column; the encrypted one holds them.
    const row = await storedRow(body.operationId);
    expect(JSON.stringify(row)).not.toMatch(/Quennell|Rear unit|NW1 2DB|nw1 2db|Verity|7946|lead@/);
    expect(
      h.cipher.decryptJson(row['operational_encrypted'] as string, 'operation.operational'),
    ).toEqual({
      address: { ...ADDRESS, postcode: 'NW1 2DB' },
      leadContact: LEAD,
    });
    expect(row).toMatchObject({ state: 'planned', revision: 1, borough: CAMDEN, kind: 'raid' });
    const replies = await h.db.query(`SELECT response_body FROM "${h.schema}".idempotency_record`);
    expect(JSON.stringify(replies.rows)).not.toMatch(/Quennell|Verity/);

    for (const key of [camdenPolice.key, readOnlyKey, coordinator.key]) {
      const read = await h.get(`/v1/operations/${body.operationId}`, key);
      expect(read.status).toBe(200);
      expect(await read.json()).toMatchObject({
        operationId: body.operationId,
        state: 'planned',
        revision: 1,
        kind: 'raid',
        address: { ...ADDRESS, postcode: 'NW1 2DB' },
        leadContact: LEAD,
        plannedStart: '2031-06-01T23:30:00.000Z',
        plannedEnd: '2031-06-02T04:00:00.000Z',
        startWindow,
        childrenLikely: true,
      });
    }
    for (const other of [islingtonPolice, immigration, camdenNgo]) {
      expect((await h.get(`/v1/operations/${body.operationId}`, other.key)).status).toBe(404);
    }
  });

  it('an immigration welfare visit, in its own time zone', async () => {
    const operationId = await plan(
      raid({ kind: 'welfare_visit', premisesKind: 'private_household', timeZone: 'europe/london' }),
      immigration.key,
    );
    const event = await h.published('harbour.operation.planned', operationId);
    expect(event.data).toMatchObject({
      plannedBy: { organisationId: immigration.organisationId, organisationKind: 'immigration' },
      operation: {
        kind: 'welfare_visit',
        childrenLikely: false,
        operational: { timeZone: 'Europe/London' },
      },
    });
  });

  it('refuses bad plans with a 400 naming the field, storing nothing', async () => {
    const before = { operations: await h.count('operation'), outbox: await h.outboxCount() };
    const cases: [string, unknown, string[]][] = [
      ['a start in the past', raid({ plannedStart: inHours(-1) }), ['/plannedStart']],
      ['an end before the start', raid({ plannedEnd: inHours(23) }), ['/plannedEnd']],
      [
        'an end over 7 days after the start',
        raid({ plannedEnd: inHours(24 + 7 * 24 + 1) }),
        ['/plannedEnd'],
      ],
      [
        'a Manchester postcode',
        raid({ address: { line1: '1 Mill St', postcode: 'M1 1AA' } }),
        ['/address/postcode'],
      ],
      ['not a London borough', raid({ borough: 'E09000034' }), ['/borough']],
      [
        'more people by kind than in all',
        raid({ expectedPeople: { total: 3, women: 2, men: 2 } }),
        ['/expectedPeople'],
      ],
      ['a negative count', raid({ expectedPeople: { total: -1 } }), ['/expectedPeople/total']],
      ['over 500 people', raid({ expectedPeople: { total: 501 } }), ['/expectedPeople/total']],
      ['an unknown time zone', raid({ timeZone: 'Europe/Atlantis' }), ['/timeZone']],
      ['an unknown kind', raid({ kind: 'stakeout' }), ['/kind']],
      ['an unknown field', { ...raid(), suspectName: 'X' }, ['/suspectName']],
    ];
    for (const [name, body, pointers] of cases) {
      const response = await h.post('/v1/operations', body, camdenPolice.key);
      expect([name, await problemPointers(response)]).toEqual([name, pointers]);
    }
    expect(await h.count('operation')).toBe(before.operations);
    expect(await h.outboxCount()).toBe(before.outbox);
  });

  it('who may plan what: 403 with the reason, storing nothing', async () => {
    const before = await h.count('operation');
    const welfareByPolice = await h.post(
      '/v1/operations',
      raid({ kind: 'welfare_visit' }),
      camdenPolice.key,
    );
    expect(welfareByPolice.status).toBe(403);
    expect(((await welfareByPolice.json()) as ProblemBody).detail).toMatch(
      /police organisation may not plan a welfare_visit/,
    );
    expect((await h.post('/v1/operations', raid(), immigration.key)).status).toBe(403);
    const otherBorough = await h.post('/v1/operations', raid(), islingtonPolice.key);
    expect(otherBorough.status).toBe(403);
    expect(((await otherBorough.json()) as ProblemBody).detail).toMatch(
      /does not serve borough E09000007/,
    );
    expect((await h.post('/v1/operations', raid(), camdenNgo.key)).status).toBe(403);
    expect((await h.post('/v1/operations', raid(), coordinator.key)).status).toBe(403);
    expect((await h.post('/v1/operations', raid(), readOnlyKey)).status).toBe(403);
    expect((await h.post('/v1/operations', raid(), undefined)).status).toBe(401);
    expect(await h.count('operation')).toBe(before);
  });

  it('an update: 201, the updated event with revision 2, the whole new state and what changed', async () => {
    const operationId = await plan();
    const path = `/v1/operations/${operationId}/updates`;
    const plannedStart = inHours(26);
    const update = {
      plannedStart,
      expectedPeople: { total: 10, women: 5, men: 2, children: 2 },
      leadContact: { name: 'DI Other Lead', phone: '020 7946 0002' },
    };
    const response = await h.post(path, update, camdenPolice.key);
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe(`/v1/operations/${operationId}`);
    const changes = ['rescheduled', 'expected_people', 'children_likely', 'lead_contact'];
    expect(await response.json()).toMatchObject({
      operationId,
      state: 'planned',
      revision: 2,
      changes,
    });

    const event = await h.published('harbour.operation.updated', operationId);
    expect(event.data).toEqual({
      operationId,
      updatedBy: {
        organisationId: camdenPolice.organisationId,
        organisationKind: 'police_borough',
      },
      updatedAt: expect.any(String) as unknown,
      revision: 2,
      changes,
      operation: expect.objectContaining({
        kind: 'raid',
        borough: CAMDEN,
        childrenLikely: true,
        expectedPeople: update.expectedPeople,
        expectedLanguages: ['vi'],
        operational: expect.objectContaining({
          address: { ...ADDRESS, postcode: 'NW1 2DB' },
          startsAt: new Date(plannedStart).toISOString(),
          leadContact: update.leadContact,
        }) as unknown,
      }) as unknown,
    });

    const before = { outbox: await h.outboxCount() };
    const nothing = await h.post(path, { expectedPeople: update.expectedPeople }, camdenPolice.key);
    expect(nothing.status).toBe(422);
    expect(((await nothing.json()) as ProblemBody).detail).toMatch(/[Nn]othing changed/);
    expect(
      await problemPointers(await h.post(path, { plannedStart: inHours(-1) }, camdenPolice.key)),
    ).toEqual(['/plannedStart']);
    expect(
      await problemPointers(
        await h.post(path, { plannedEnd: inHours(26 + 7 * 24 + 1) }, camdenPolice.key),
      ),
    ).toEqual(['/plannedEnd']);
    expect((await h.post(path, { borough: ISLINGTON }, camdenPolice.key)).status).toBe(403);
    expect((await h.post(path, { premisesKind: 'car_wash' }, islingtonPolice.key)).status).toBe(
      404,
    );
    expect((await h.post(path, { premisesKind: 'car_wash' }, coordinator.key)).status).toBe(403);
    expect((await h.post(path, {}, camdenPolice.key)).status).toBe(400);
    expect(await h.outboxCount()).toBe(before.outbox);

    const view = (await (
      await h.get(`/v1/operations/${operationId}`, camdenPolice.key)
    ).json()) as Record<string, unknown>;
    expect(view).toMatchObject({
      revision: 2,
      leadContact: update.leadContact,
      childrenLikely: true,
    });
  });

  it('an update after the planned end, or of a cancelled operation, is 409', async () => {
    const ended = await plan();
    await h.db.query(
      `UPDATE "${h.schema}".operation
          SET planned_start = now() - interval '5 hours', planned_end = now() - interval '1 hour'
        WHERE id = $1`,
      [ended],
    );
    const late = await h.post(
      `/v1/operations/${ended}/updates`,
      { premisesKind: 'car_wash' },
      camdenPolice.key,
    );
    expect(late.status).toBe(409);
    expect(((await late.json()) as ProblemBody).detail).toMatch(/planned end .* has passed/);

    const cancelled = await plan();
    expect(
      (
        await h.post(
          `/v1/operations/${cancelled}/cancellation`,
          { reason: 'called off' },
          camdenPolice.key,
        )
      ).status,
    ).toBe(201);
    expect(
      (
        await h.post(
          `/v1/operations/${cancelled}/updates`,
          { premisesKind: 'car_wash' },
          camdenPolice.key,
        )
      ).status,
    ).toBe(409);
  });

  it('cancelled before the start: 201 and the cancelled event; not twice, not after the start', async () => {
    const operationId = await plan();
    const path = `/v1/operations/${operationId}/cancellation`;
    expect(
      (await h.post(path, { reason: 'intelligence changed' }, islingtonPolice.key)).status,
    ).toBe(404);
    const response = await h.post(path, { reason: 'intelligence changed' }, camdenPolice.key);
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ operationId, state: 'cancelled', revision: 1 });
    const event = await h.published('harbour.operation.cancelled', operationId);
    expect(event.data).toEqual({
      operationId,
      cancelledBy: {
        organisationId: camdenPolice.organisationId,
        organisationKind: 'police_borough',
      },
      cancelledAt: expect.any(String) as unknown,
      reason: 'intelligence changed',
    });
    expect((await h.post(path, { reason: 'again' }, camdenPolice.key)).status).toBe(409);
    const view = (await (
      await h.get(`/v1/operations/${operationId}`, camdenPolice.key)
    ).json()) as Record<string, unknown>;
    expect(view).toMatchObject({
      state: 'cancelled',
      cancellation: { reason: 'intelligence changed' },
    });
    expect(
      (
        await h.post(
          `/v1/operations/${operationId}/outcome`,
          {
            peopleEncountered: 0,
            potentialVictimsIdentified: 0,
            nrmReferralsMade: 0,
            arrests: 0,
          },
          camdenPolice.key,
        )
      ).status,
    ).toBe(409);

    const started = await plan();
    await underWay(started);
    const before = await h.outboxCount();
    const tooLate = await h.post(
      `/v1/operations/${started}/cancellation`,
      { reason: 'too late' },
      camdenPolice.key,
    );
    expect(tooLate.status).toBe(409);
    expect(((await tooLate.json()) as ProblemBody).detail).toMatch(
      /cannot be cancelled after its planned start .*record its outcome instead/,
    );
    expect(await h.outboxCount()).toBe(before);
    expect((await storedRow(started))['state']).toBe('planned');
  });

  it('the outcome: refused before the start, then recorded once, redacted, restricted notes kept back', async () => {
    // Starts in two seconds: refused now, accepted once the start has passed.
    const operationId = await plan(
      raid({ kind: 'premises_visit', plannedStart: new Date(Date.now() + 2_000).toISOString() }),
    );
    const path = `/v1/operations/${operationId}/outcome`;
    const outcome = {
      peopleEncountered: 7,
      potentialVictimsIdentified: 4,
      childrenIdentified: 1,
      nrmReferralsMade: 3,
      dutyToNotifyReports: 1,
      arrests: 2,
      welfareFindings: {
        needs: ['interpreter', 'accommodation'],
        languages: ['vi'],
        summary:
          'Four women need shelter; their cousin on 07700 900123 or cousin@example.org, from E15 1AA.',
      },
      restrictedNotes: 'Informant Tran Minh, handler DC Secret',
    };
    const early = await h.post(path, outcome, camdenPolice.key);
    expect(early.status).toBe(409);
    expect(((await early.json()) as ProblemBody).detail).toMatch(
      /cannot be recorded before the planned start/,
    );

    expect(
      await problemPointers(
        await h.post(path, { ...outcome, nrmReferralsMade: 8 }, camdenPolice.key),
      ),
    ).toEqual(['/nrmReferralsMade']);
    expect((await h.post(path, outcome, islingtonPolice.key)).status).toBe(404);

    const response = await expectEventually(
      async () => {
        const attempt = await h.post(path, outcome, camdenPolice.key);
        if (attempt.status !== 201) throw new Error(`outcome answered ${attempt.status}`);
        return attempt;
      },
      { timeoutMs: 20_000, intervalMs: 250, description: 'the outcome accepted after the start' },
    );
    const redacted = {
      needs: ['interpreter', 'accommodation'],
      languages: ['vi'],
      summary:
        'Four women need shelter; their cousin on [REDACTED] or [REDACTED], from [REDACTED].',
    };
    const { restrictedNotes: _notes, welfareFindings: _findings, ...counts } = outcome;
    const answer = await response.text();
    expect(answer).not.toMatch(/Informant|07700|cousin@|E15/);
    expect(JSON.parse(answer)).toMatchObject({
      operationId,
      state: 'outcome_recorded',
      outcome: { ...counts, welfareFindings: redacted },
    });

    const event = await h.published('harbour.operation.outcome-recorded', operationId);
    expect(event.data).toEqual({
      operationId,
      recordedBy: {
        organisationId: camdenPolice.organisationId,
        organisationKind: 'police_borough',
      },
      recordedAt: expect.any(String) as unknown,
      borough: CAMDEN,
      kind: 'premises_visit',
      outcome: { ...counts, welfareFindings: redacted },
    });
    expect(JSON.stringify(event)).not.toMatch(/Informant|Secret|restrictedNotes|07700|cousin@/);

    const stored = await h.db.query<{ row: Record<string, unknown> }>(
      `SELECT row_to_json(o) AS row FROM "${h.schema}".operation_outcome o WHERE operation_id = $1`,
      [operationId],
    );
    const row = stored.rows[0]!.row;
    expect(JSON.stringify(row)).not.toMatch(/Informant|Secret|07700|cousin@/);
    expect(
      h.cipher.decrypt(
        row['restricted_notes_encrypted'] as string,
        'operation_outcome.restricted_notes',
      ),
    ).toBe(outcome.restrictedNotes);

    const planner = (await (
      await h.get(`/v1/operations/${operationId}`, camdenPolice.key)
    ).json()) as Record<string, unknown>;
    expect(planner).toMatchObject({
      state: 'outcome_recorded',
      outcome: { ...counts, welfareFindings: redacted, restrictedNotes: outcome.restrictedNotes },
    });
    const coordinatorView = await (
      await h.get(`/v1/operations/${operationId}`, coordinator.key)
    ).text();
    expect(coordinatorView).not.toMatch(/Informant/);

    expect((await h.post(path, outcome, camdenPolice.key)).status).toBe(409);
    expect(
      (
        await h.post(
          `/v1/operations/${operationId}/cancellation`,
          { reason: 'x' },
          camdenPolice.key,
        )
      ).status,
    ).toBe(409);
  });

  it('replays the first answer for a repeated Idempotency-Key, publishing once', async () => {
    const before = { operations: await h.count('operation'), outbox: await h.outboxCount() };
    const key = { 'idempotency-key': uniqueName('operation') };
    const body = raid();
    const first = await h.post('/v1/operations', body, camdenPolice.key, key);
    const second = await h.post('/v1/operations', body, camdenPolice.key, key);
    expect([first.status, second.status]).toEqual([202, 202]);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await second.text()).toBe(await first.text());
    expect(await h.count('operation')).toBe(before.operations + 1);
    expect(await h.outboxCount()).toBe(before.outbox + 1);
    expect(
      (
        await h.post(
          '/v1/operations',
          raid({ borough: CAMDEN, premisesKind: 'car_wash' }),
          camdenPolice.key,
          key,
        )
      ).status,
    ).toBe(422);
  });
});
