import { validateRestBody, type MissingEpisodeReportBody } from './index';

const goodReport: MissingEpisodeReportBody = {
  child: {
    ageYears: 15,
    gender: 'female',
    givenName: 'Amira',
    familyName: 'K',
    dateOfBirth: '2010-04-02',
  },
  traffickingMarkers: ['open_nrm_referral', 'ictg_allocated'],
  borough: 'E09000022',
  riskGrade: 'high',
  lastSeenAt: '2025-03-01T18:30:00+00:00',
  lastSeenLocation: { postcode: 'SW9 8AB', description: 'Bus stop outside the station' },
  circumstances: 'Left the placement after a phone call.',
  reportingOfficer: { name: 'PC Example', phone: '+44 20 7946 0000' },
  philomenaProfile: {
    description: 'Slim, 5ft 2',
    associates: ['older male, "Ben"'],
    places: ['Brixton'],
  },
};

function pointers(body: unknown): string[] {
  const result = validateRestBody('missing-episode-report', body);
  // A field can break several rules (e.g. format and pattern); count it once.
  return result.ok ? [] : [...new Set(result.issues.map((issue) => issue.pointer))].sort();
}

describe('missing-episode-report body', () => {
  it('accepts a complete report and hands back the same value', () => {
    const result = validateRestBody('missing-episode-report', goodReport);
    expect(result).toEqual({ ok: true, value: goodReport });
  });

  it('accepts the smallest report partners may send', () => {
    const minimal = {
      child: { ageYears: 16, gender: 'unknown' },
      traffickingMarkers: [],
      borough: 'E09000001',
      riskGrade: 'very_low',
      lastSeenAt: '2025-03-01T18:30:00Z',
    };
    expect(pointers(minimal)).toEqual([]);
  });

  it('rejects a bad report with a pointer at every offending field', () => {
    const { riskGrade: _dropped, ...withoutRiskGrade } = goodReport;
    const bad = {
      ...withoutRiskGrade,
      borough: 'E09000034',
      riskGrde: 'high',
      child: { ...goodReport.child, ageYears: -1 },
    };
    const result = validateRestBody('missing-episode-report', bad);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((issue) => issue.pointer).sort()).toEqual([
      '/borough',
      '/child/ageYears',
      '/riskGrade',
      '/riskGrde',
    ]);
    expect(result.issues).toContainEqual({ pointer: '/riskGrade', message: 'is required' });
    expect(result.issues).toContainEqual({
      pointer: '/riskGrde',
      message: 'is not an allowed property',
    });
  });

  it.each(['E09000000', 'E09000034', 'E09000100', 'E08000001', 'e09000001', ' E09000001'])(
    'rejects %s, which is not a London borough GSS code',
    (borough) => {
      expect(pointers({ ...goodReport, borough })).toEqual(['/borough']);
    },
  );

  it.each(['E09000001', 'E09000009', 'E09000010', 'E09000029', 'E09000030', 'E09000033'])(
    'accepts borough %s',
    (borough) => {
      expect(pointers({ ...goodReport, borough })).toEqual([]);
    },
  );

  it('requires an age unless the age is disputed', () => {
    const { ageYears: _age, ...noAge } = goodReport.child;
    expect(pointers({ ...goodReport, child: noAge })).toEqual(['/child/ageYears']);
    expect(pointers({ ...goodReport, child: { ...noAge, ageDisputed: false } })).toEqual([
      '/child/ageYears',
    ]);
    expect(pointers({ ...goodReport, child: { ...noAge, ageDisputed: true } })).toEqual([]);
  });

  it('rejects ages above 25 and fractional ages', () => {
    expect(pointers({ ...goodReport, child: { ...goodReport.child, ageYears: 26 } })).toEqual([
      '/child/ageYears',
    ]);
    expect(pointers({ ...goodReport, child: { ...goodReport.child, ageYears: 15.5 } })).toEqual([
      '/child/ageYears',
    ]);
  });

  it('rejects times without a zone offset and impossible dates', () => {
    expect(pointers({ ...goodReport, lastSeenAt: '2025-03-01T18:30:00' })).toEqual(['/lastSeenAt']);
    expect(
      pointers({ ...goodReport, child: { ...goodReport.child, dateOfBirth: '2010-02-30' } }),
    ).toEqual(['/child/dateOfBirth']);
  });

  it('rejects unknown properties inside nested objects too', () => {
    const typo = {
      ...goodReport,
      philomenaProfile: { descripton: 'x' },
      reportingOfficer: { name: 'A', phone: '0207', rank: 'PC' },
    };
    expect(pointers(typo)).toEqual([
      '/philomenaProfile/descripton',
      '/reportingOfficer/phone',
      '/reportingOfficer/rank',
    ]);
  });

  it('names the allowed values of an enum and rejects repeated markers', () => {
    const result = validateRestBody('missing-episode-report', {
      ...goodReport,
      riskGrade: 'critical',
      traffickingMarkers: ['unaccompanied', 'unaccompanied'],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toContainEqual({
      pointer: '/riskGrade',
      message: 'must be one of "very_low", "low", "medium", "high"',
    });
    expect(result.issues.map((issue) => issue.pointer)).toContain('/traffickingMarkers');
  });

  it('points at the root when the body is not an object', () => {
    expect(validateRestBody('missing-episode-report', [goodReport])).toEqual({
      ok: false,
      issues: [{ pointer: '', message: 'must be object' }],
    });
  });
});
