import type { BedRequestBody, ExclusionZones } from '@harbour/contracts';
import { LONDON_AUTHORITIES } from '@harbour/london';
import {
  ageGroupOfAge,
  anonymousReferralIssues,
  type BedRequest,
  derivedAgeGroup,
  leavesNoBorough,
  submitBedRequest,
  urgencyWindow,
} from './bed-request';

const NOW = new Date('2026-11-28T10:00:00Z');
const TODAY = '2026-11-28';
const BY = { organisationId: 'org-1', organisationKind: 'police_borough' } as const;
const POLICY = { tonightWindowHours: 6 };
const HOUR_MS = 3_600_000;
const at = (hoursFromNow: number) => new Date(NOW.getTime() + hoursFromNow * HOUR_MS).toISOString();
const ALL_GSS = LONDON_AUTHORITIES.map((a) => a.gss);
const circle = (postcode: string, borough = 'E09000019') => ({ postcode, borough, radiusKm: 3 });

const body = (
  person: Partial<BedRequestBody['person']> = {},
  extra: Partial<BedRequestBody> = {},
): BedRequestBody => ({
  person: { gender: 'male', ...person },
  accompanyingChildren: 0,
  supportLevel: 'emergency',
  nrmStage: 'pre_nrm',
  nrpf: true,
  urgency: { kind: 'tonight' },
  exclusionZones: { boroughs: [], around: [] },
  borough: 'E09000007',
  ...extra,
});

function accept(request: BedRequestBody): BedRequest {
  const ruling = submitBedRequest('b-1', request, BY, NOW, TODAY, POLICY);
  if (ruling.kind !== 'accepted') throw new Error(JSON.stringify(ruling));
  return ruling.change;
}

function pointers(request: BedRequestBody): string[] {
  const ruling = submitBedRequest('b-1', request, BY, NOW, TODAY, POLICY);
  return ruling.kind === 'invalid' ? ruling.issues.map((i) => i.pointer) : [];
}

describe('age group', () => {
  it.each([
    [0, 'child_under_16'],
    [15, 'child_under_16'],
    [16, 'child_16_17'],
    [17, 'child_16_17'],
    [18, 'adult'],
    [64, 'adult'],
  ] as const)('age %i is %s', (age, group) => {
    expect(ageGroupOfAge(age)).toBe(group);
  });

  it.each([
    ['no age, not disputed: adult', undefined, false, 'adult'],
    ['no age, disputed: 16–17', undefined, true, 'child_16_17'],
    ['12, disputed: under 16', 12, true, 'child_under_16'],
    ['17, disputed: 16–17', 17, true, 'child_16_17'],
    ['a stated adult, disputed: 16–17', 25, true, 'child_16_17'],
    ['17, not disputed: 16–17', 17, false, 'child_16_17'],
  ] as const)('%s', (_case, age, disputed, group) => {
    expect(derivedAgeGroup(age, disputed)).toBe(group);
  });

  it.each([
    ['from ageYears', { ageYears: 15 }, 'child_under_16', 15],
    ['from the date of birth (17 today)', { dateOfBirth: '2009-11-28' }, 'child_16_17', 17],
    [
      'from the date of birth (17 until tomorrow)',
      { dateOfBirth: '2008-11-29' },
      'child_16_17',
      17,
    ],
    [
      'date of birth and agreeing ageYears',
      { dateOfBirth: '1990-01-01', ageYears: 36 },
      'adult',
      36,
    ],
    [
      'the group asked for, when it agrees',
      { ageYears: 16, ageGroup: 'child_16_17' },
      'child_16_17',
      16,
    ],
    ['asked for, no age', { ageGroup: 'child_under_16' }, 'child_under_16', undefined],
    ['disputed, no age', { ageDisputed: true }, 'child_16_17', undefined],
    ['disputed, a stated 19', { ageDisputed: true, ageYears: 19 }, 'child_16_17', 19],
    [
      'disputed, asked under 16 for a stated 19',
      { ageDisputed: true, ageYears: 19, ageGroup: 'child_under_16' },
      'child_under_16',
      19,
    ],
    ['no age at all', {}, 'adult', undefined],
  ] as const)('%s', (_case, person, group, ageYears) => {
    const { needs } = accept(body(person));
    expect(needs.ageGroup).toBe(group);
    expect(needs.ageYears).toBe(ageYears);
  });

  it.each([
    ['12 asked as adult', { ageYears: 12, ageGroup: 'adult' }, ['/person/ageGroup']],
    ['30 asked as a child', { ageYears: 30, ageGroup: 'child_16_17' }, ['/person/ageGroup']],
    ['15 asked as 16–17', { ageYears: 15, ageGroup: 'child_16_17' }, ['/person/ageGroup']],
    [
      'a date of birth of 12 asked as adult',
      { dateOfBirth: '2014-01-01', ageGroup: 'adult' },
      ['/person/ageGroup'],
    ],
    ['disputed asked as adult', { ageDisputed: true, ageGroup: 'adult' }, ['/person/ageGroup']],
    ['a date of birth tomorrow', { dateOfBirth: '2026-11-29' }, ['/person/dateOfBirth']],
    [
      'a date of birth tomorrow, with a group (only the date is reported)',
      { dateOfBirth: '2026-11-29', ageGroup: 'adult' },
      ['/person/dateOfBirth'],
    ],
    ['an age over 120 by date of birth', { dateOfBirth: '1900-01-01' }, ['/person/dateOfBirth']],
    [
      'ageYears disagreeing with the date of birth',
      { dateOfBirth: '2000-06-01', ageYears: 27 },
      ['/person/ageYears'],
    ],
    [
      'ageYears disagreeing, and the group contradicting the date of birth',
      { dateOfBirth: '2012-06-01', ageYears: 19, ageGroup: 'adult' },
      ['/person/ageYears', '/person/ageGroup'],
    ],
  ] as const)('refuses %s', (_case, person, expected) => {
    expect(pointers(body(person))).toEqual(expected);
  });
});

describe('urgency', () => {
  it('tonight: needed now, matching for the configured hours (a given neededBy is ignored)', () => {
    expect(accept(body({}, { urgency: { kind: 'tonight', neededBy: at(48) } })).urgency).toEqual({
      kind: 'tonight',
      neededBy: NOW.toISOString(),
      matchBy: at(6),
    });
    expect(urgencyWindow('tonight', undefined, NOW, { tonightWindowHours: 2 }).matchBy).toBe(at(2));
  });

  it('within days: matching until the bed is needed', () => {
    expect(
      accept(body({}, { urgency: { kind: 'within_days', neededBy: at(72) } })).urgency,
    ).toEqual({
      kind: 'within_days',
      neededBy: at(72),
      matchBy: at(72),
    });
  });

  it.each([
    ['two weeks ahead: a day before', at(14 * 24), at(13 * 24)],
    ['in 20 hours: not before an hour from now', at(20), at(1)],
    ['in 25 hours: a day before is an hour from now', at(25), at(1)],
    ['in 30 hours: a day before', at(30), at(6)],
  ])('planned %s', (_case, neededBy, matchBy) => {
    expect(accept(body({}, { urgency: { kind: 'planned', neededBy } })).urgency).toEqual({
      kind: 'planned',
      neededBy,
      matchBy,
    });
  });

  it.each([
    ['within_days without neededBy', { kind: 'within_days' }],
    ['planned without neededBy', { kind: 'planned' }],
    ['neededBy now', { kind: 'within_days', neededBy: NOW.toISOString() }],
    ['neededBy in the past', { kind: 'planned', neededBy: at(-1) }],
    ['neededBy more than 180 days ahead', { kind: 'planned', neededBy: at(180 * 24 + 1) }],
  ] as const)('refuses %s', (_case, urgency) => {
    expect(pointers(body({}, { urgency }))).toEqual(['/urgency/neededBy']);
  });

  it('accepts neededBy exactly 180 days ahead', () => {
    expect(pointers(body({}, { urgency: { kind: 'planned', neededBy: at(180 * 24) } }))).toEqual(
      [],
    );
  });
});

describe('exclusion zones', () => {
  it('keeps the boroughs and writes circle postcodes canonically', () => {
    const request = accept(
      body({}, { exclusionZones: { boroughs: ['E09000007'], around: [circle('n1 9gu')] } }),
    );
    expect(request.exclusionZones).toEqual({
      boroughs: ['E09000007'],
      around: [{ postcode: 'N1 9GU', borough: 'E09000019', radiusKm: 3 }],
    });
  });

  it('refuses zones that leave no borough, counting the circles’ own boroughs', () => {
    expect(pointers(body({}, { exclusionZones: { boroughs: ALL_GSS, around: [] } }))).toEqual([
      '/exclusionZones/boroughs',
    ]);
    const allButIslington = ALL_GSS.filter((gss) => gss !== 'E09000019');
    expect(
      pointers(
        body({}, { exclusionZones: { boroughs: allButIslington, around: [circle('N1 9GU')] } }),
      ),
    ).toEqual(['/exclusionZones/boroughs']);
    expect(
      pointers(body({}, { exclusionZones: { boroughs: allButIslington, around: [] } })),
    ).toEqual([]);
  });

  it.each([
    [
      'a Manchester postcode',
      { boroughs: [], around: [circle('M1 1AA')] },
      ['/exclusionZones/around/0/postcode'],
    ],
    [
      'not a postcode',
      { boroughs: [], around: [circle('NW1 2DB'), circle('ZZ')] },
      ['/exclusionZones/around/1/postcode'],
    ],
    [
      'an unknown circle borough',
      { boroughs: [], around: [circle('NW1 2DB', 'E09000034')] },
      ['/exclusionZones/around/0/borough'],
    ],
    [
      'an unknown borough',
      { boroughs: ['E09000007', 'E08000003'], around: [] },
      ['/exclusionZones/boroughs/1'],
    ],
  ] as [string, ExclusionZones, string[]][])('refuses %s', (_case, exclusionZones, expected) => {
    expect(pointers(body({}, { exclusionZones }))).toEqual(expected);
  });

  it('names the postcode it does not know', () => {
    const ruling = submitBedRequest(
      'b-1',
      body({}, { exclusionZones: { boroughs: [], around: [circle('M1 1AA')] } }),
      BY,
      NOW,
      TODAY,
      POLICY,
    );
    expect(ruling).toMatchObject({
      kind: 'invalid',
      issues: [{ message: expect.stringMatching(/^unknown postcode: M1 1AA/) as unknown }],
    });
  });

  it('leavesNoBorough is about all 33, not about how many are listed', () => {
    expect(leavesNoBorough({ boroughs: ALL_GSS.slice(1), around: [] })).toBe(false);
    expect(leavesNoBorough({ boroughs: ALL_GSS, around: [] })).toBe(true);
  });
});

describe('the bed request', () => {
  it('carries the needs, defaults, the referral and the names given', () => {
    const request = accept(
      body(
        { givenName: 'Ilir', dateOfBirth: '1990-02-03' },
        {
          accompanyingChildren: 2,
          languages: ['sq'],
          accessNeeds: ['step_free'],
          supportLevel: 'safe_house',
          nrmStage: 'recovery_period',
          nrpf: false,
          referralId: '00000000-0000-4000-8000-000000000001',
        },
      ),
    );
    expect(request).toEqual({
      id: 'b-1',
      submittedBy: BY,
      submittedAt: NOW,
      borough: 'E09000007',
      needs: {
        gender: 'male',
        ageGroup: 'adult',
        ageYears: 36,
        accompanyingChildren: 2,
        languages: ['sq'],
        accessNeeds: ['step_free'],
        supportLevel: 'safe_house',
        nrmStage: 'recovery_period',
        nrpf: false,
      },
      urgency: { kind: 'tonight', neededBy: NOW.toISOString(), matchBy: at(6) },
      exclusionZones: { boroughs: [], around: [] },
      person: { givenName: 'Ilir', dateOfBirth: '1990-02-03' },
      referralId: '00000000-0000-4000-8000-000000000001',
    });
  });

  it('has no person when no name or date of birth is given', () => {
    const request = accept(body({ ageYears: 30 }));
    expect(request).not.toHaveProperty('person');
    expect(request.needs).toMatchObject({ languages: [], accessNeeds: [] });
  });

  it('reports every broken rule at once', () => {
    expect(
      pointers(
        body(
          { ageYears: 12, ageGroup: 'adult' },
          {
            urgency: { kind: 'planned' },
            exclusionZones: { boroughs: [], around: [circle('B1 1AA')] },
          },
        ),
      ),
    ).toEqual(['/person/ageGroup', '/urgency/neededBy', '/exclusionZones/around/0/postcode']);
  });
});

describe('a bed request linked to a Duty to Notify record', () => {
  it('may not name the person', () => {
    expect(
      anonymousReferralIssues({ givenName: 'Ilir', dateOfBirth: '1990-01-01' }).map(
        (i) => i.pointer,
      ),
    ).toEqual(['/person/givenName', '/person/dateOfBirth']);
    expect(anonymousReferralIssues({})).toEqual([]);
  });
});
