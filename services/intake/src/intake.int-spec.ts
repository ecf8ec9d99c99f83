import { expectEventually, uniqueName } from '@harbour/testing';
import { CAMDEN, IntakeHarness, ISLINGTON } from './test-support/intake-harness';

jest.setTimeout(90_000);

const goodReport = () => ({
  child: { ageYears: 14, ageDisputed: false, gender: 'male', givenName: 'Integration' },
  traffickingMarkers: ['suspected_exploitation'],
  borough: CAMDEN,
  riskGrade: 'medium',
  lastSeenAt: new Date(Date.now() - 60_000).toISOString(),
});

describe('intake: POST /v1/missing-episodes', () => {
  let h: IntakeHarness;
  let camdenKey: string;
  let islingtonKey: string;
  let readOnlyKey: string;

  beforeAll(async () => {
    h = await IntakeHarness.start(['harbour.intake.missing-episode.v1']);
    const camden = await h.organisation('police_borough', [CAMDEN]);
    camdenKey = camden.key;
    islingtonKey = (await h.organisation('police_borough', [ISLINGTON])).key;
    readOnlyKey = await h.keyFor(camden.organisationId, ['read']);
  });

  afterAll(async () => {
    await h.close();
  });

  const post = (body: unknown, key: string | undefined, headers: Record<string, string> = {}) =>
    h.post('/v1/missing-episodes', body, key, headers);

  it('accepts a report: 202, Location, the record and one published CloudEvent keyed by episode', async () => {
    const response = await post(goodReport(), camdenKey);
    expect(response.status).toBe(202);
    const body = (await response.json()) as { episodeId: string; status: string };
    expect(body.status).toBe('accepted');
    expect(response.headers.get('location')).toBe(`/v1/missing-episodes/${body.episodeId}`);

    const stored = await h.db.query(
      `SELECT borough, is_child FROM "${h.schema}".missing_episode WHERE id = $1`,
      [body.episodeId],
    );
    expect(stored.rows).toEqual([{ borough: CAMDEN, is_child: true }]);
    // The name is stored encrypted, never in clear.
    const personal = await h.db.query<{ report: unknown; personal_encrypted: string }>(
      `SELECT report, personal_encrypted FROM "${h.schema}".missing_episode WHERE id = $1`,
      [body.episodeId],
    );
    expect(JSON.stringify(personal.rows[0]!.report)).not.toContain('Integration');
    expect(
      h.cipher.decryptJson(personal.rows[0]!.personal_encrypted, 'missing_episode.personal'),
    ).toEqual({ givenName: 'Integration' });

    const event = await expectEventually(
      () => {
        const match = h.seen.find(
          (e) => (e.data as { episodeId?: string }).episodeId === body.episodeId,
        );
        if (!match) throw new Error('not yet');
        return match;
      },
      { timeoutMs: 30_000, description: 'the reported event on Kafka' },
    );
    expect(event).toMatchObject({
      type: 'harbour.missing-episode.reported',
      source: '/harbour/intake',
      specversion: '1.0',
      subject: body.episodeId,
      data: {
        borough: CAMDEN,
        isChild: true,
        riskGrade: 'medium',
        traffickingMarkers: ['suspected_exploitation'],
      },
    });
    // The relay marks the row after the broker acknowledged the send, which may be after a
    // consumer has already read the message.
    await expectEventually(
      async () => {
        const published = await h.db.query<{ published_at: Date | null }>(
          `SELECT published_at FROM "${h.schema}".outbox WHERE key = $1`,
          [body.episodeId],
        );
        expect(published.rows[0]?.published_at).toBeInstanceOf(Date);
      },
      { timeoutMs: 30_000, description: 'the outbox row marked published' },
    );

    const read = await fetch(`${h.baseUrl}${response.headers.get('location')!}`, {
      headers: { authorization: `Bearer ${camdenKey}` },
    });
    expect(read.status).toBe(200);
    expect(JSON.stringify(await read.json())).not.toContain('Integration');
    const other = await fetch(`${h.baseUrl}${response.headers.get('location')!}`, {
      headers: { authorization: `Bearer ${islingtonKey}` },
    });
    expect(other.status).toBe(404);
  });

  it('replays the first response for a repeated Idempotency-Key, even when sent concurrently', async () => {
    const before = await h.outboxCount();
    const report = goodReport();
    const key = uniqueName('idem');
    const responses = await Promise.all(
      [1, 2, 3].map(() => post(report, camdenKey, { 'idempotency-key': key })),
    );
    const bodies = await Promise.all(responses.map((r) => r.json()));
    expect(responses.map((r) => r.status)).toEqual([202, 202, 202]);
    expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1);
    expect(responses.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(
      2,
    );
    expect(await h.outboxCount()).toBe(before + 1);

    const changed = await post({ ...report, riskGrade: 'high' }, camdenKey, {
      'idempotency-key': key,
    });
    expect(changed.status).toBe(422);
    expect(await h.outboxCount()).toBe(before + 1);
  });

  it('rejects invalid bodies with a 400 problem naming each field, storing nothing', async () => {
    const before = await h.outboxCount();
    const { riskGrade: _omitted, ...withoutRisk } = goodReport();
    const response = await post(
      {
        ...withoutRisk,
        borough: 'E09000099',
        child: { ageYears: -1, ageDisputed: false, gender: 'male' },
        extra: 1,
      },
      camdenKey,
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await response.json()) as {
      status: number;
      errors: { pointer: string; detail: string }[];
    };
    expect(problem.status).toBe(400);
    expect(problem.errors.map((e) => e.pointer).sort()).toEqual([
      '/borough',
      '/child/ageYears',
      '/extra',
      '/riskGrade',
    ]);

    const future = await post(
      { ...goodReport(), lastSeenAt: new Date(Date.now() + 3_600_000).toISOString() },
      camdenKey,
    );
    expect(future.status).toBe(400);
    const malformed = await fetch(`${h.baseUrl}/v1/missing-episodes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${camdenKey}` },
      body: '{"child":',
    });
    expect(malformed.status).toBe(400);
    expect(await h.outboxCount()).toBe(before);
  });

  it('refuses a report that contradicts itself, storing nothing', async () => {
    const before = await h.outboxCount();
    const episodes = () => h.count('missing_episode');
    const rowsBefore = await episodes();
    const pointers = async (response: Response) => {
      expect(response.status).toBe(400);
      const problem = (await response.json()) as { errors: { pointer: string }[] };
      return problem.errors.map((e) => e.pointer);
    };
    // An undisputed adult cannot have an ICTG or be unaccompanied: the marker is named.
    expect(
      await pointers(
        await post(
          {
            ...goodReport(),
            child: { ageYears: 20, ageDisputed: false, gender: 'female' },
            traffickingMarkers: ['known_victim', 'unaccompanied'],
          },
          camdenKey,
        ),
      ),
    ).toEqual(['/traffickingMarkers/1']);
    expect(
      await pointers(
        await post(
          {
            ...goodReport(),
            child: { ageYears: 14, gender: 'female', dateOfBirth: '2001-02-03' },
          },
          camdenKey,
        ),
      ),
    ).toEqual(['/child/dateOfBirth']);
    expect(
      await pointers(
        await post(
          {
            ...goodReport(),
            child: { ageDisputed: true, gender: 'female', dateOfBirth: '2999-02-03' },
          },
          camdenKey,
        ),
      ),
    ).toEqual(['/child/dateOfBirth']);
    expect(await h.outboxCount()).toBe(before);
    expect(await episodes()).toBe(rowsBefore);

    // A disputed age is a child's: the same markers are accepted.
    const disputed = await post(
      {
        ...goodReport(),
        child: { ageYears: 20, ageDisputed: true, gender: 'female' },
        traffickingMarkers: ['unaccompanied'],
      },
      camdenKey,
    );
    expect(disputed.status).toBe(202);
  });

  it('refuses missing or wrong keys (401), other boroughs and read-only keys (403)', async () => {
    expect((await post(goodReport(), undefined)).status).toBe(401);
    expect(
      (await post(goodReport(), 'hbr_abcdefghijkl_wrongsecretwrongsecretwrongsecret')).status,
    ).toBe(401);
    expect((await post(goodReport(), islingtonKey)).status).toBe(403);
    expect((await post(goodReport(), readOnlyKey)).status).toBe(403);
    const health = await fetch(`${h.baseUrl}/health`);
    expect(health.status).toBe(200);
  });
});
