import {
  isTreatedAsChild,
  lastSeenIsPlausible,
  recordMissingEpisode,
  reportIssues,
  separatePersonal,
  type MissingEpisodeReportInput,
} from './missing-episode';

const report = (
  child: Partial<MissingEpisodeReportInput['child']>,
  extra: Partial<MissingEpisodeReportInput> = {},
): MissingEpisodeReportInput => ({
  child: { ageDisputed: false, gender: 'female', ...child },
  traffickingMarkers: ['open_nrm_referral'],
  borough: 'E09000007',
  riskGrade: 'high',
  lastSeenAt: '2026-11-28T09:00:00Z',
  ...extra,
});

describe('who is treated as a child', () => {
  it.each([
    [{ ageYears: 15 }, true],
    [{ ageYears: 17 }, true],
    [{ ageYears: 18 }, false],
    [{ ageYears: 30 }, false],
    [{ ageYears: 19, ageDisputed: true }, true],
    [{}, true],
  ])('%j → %s', (child, expected) => {
    expect(isTreatedAsChild(report(child).child)).toBe(expected);
  });
});

describe('recording an episode', () => {
  it('keeps the reporter, the time and de-duplicated markers', () => {
    const now = new Date('2026-11-28T10:00:00Z');
    const episode = recordMissingEpisode(
      'id-1',
      report(
        { ageYears: 15 },
        { traffickingMarkers: ['unaccompanied', 'unaccompanied', 'known_victim'] },
      ),
      { organisationId: 'org-1', organisationKind: 'police_borough' },
      now,
    );
    expect(episode).toMatchObject({
      id: 'id-1',
      reportedAt: now,
      isChild: true,
      borough: 'E09000007',
      traffickingMarkers: ['unaccompanied', 'known_victim'],
      reporter: { organisationId: 'org-1', organisationKind: 'police_borough' },
    });
    expect(episode.lastSeenAt.toISOString()).toBe('2026-11-28T09:00:00.000Z');
  });

  it('refuses a last-seen time in the future beyond clock skew', () => {
    const now = new Date('2026-11-28T10:00:00Z');
    expect(lastSeenIsPlausible(report({}, { lastSeenAt: '2026-11-28T10:04:00Z' }), now)).toBe(true);
    expect(lastSeenIsPlausible(report({}, { lastSeenAt: '2026-11-28T11:00:00Z' }), now)).toBe(
      false,
    );
  });
});

describe('what the schema cannot check', () => {
  const now = new Date('2026-11-28T10:00:00Z');
  const today = '2026-11-28';
  it.each([
    ['a consistent child', report({ ageYears: 15, dateOfBirth: '2011-06-01' }), []],
    ['a date of birth a birthday away', report({ ageYears: 16, dateOfBirth: '2011-06-01' }), []],
    [
      'a date of birth two years off the age',
      report({ ageYears: 17, dateOfBirth: '2011-06-01' }),
      ['/child/dateOfBirth'],
    ],
    [
      'a date of birth in the future',
      report({ dateOfBirth: '2026-12-01' }),
      ['/child/dateOfBirth'],
    ],
    [
      'an undisputed adult with child-only markers',
      report(
        { ageYears: 19 },
        { traffickingMarkers: ['known_victim', 'unaccompanied', 'ictg_allocated'] },
      ),
      ['/traffickingMarkers/1', '/traffickingMarkers/2'],
    ],
    [
      'a disputed adult with child-only markers',
      report({ ageYears: 19, ageDisputed: true }, { traffickingMarkers: ['unaccompanied'] }),
      [],
    ],
    ['an adult with an adult marker', report({ ageYears: 30 }), []],
    [
      'last seen in the future',
      report({ ageYears: 15 }, { lastSeenAt: '2026-11-28T12:00:00Z' }),
      ['/lastSeenAt'],
    ],
  ])('%s → %j', (_case, input, pointers) => {
    expect(reportIssues(input, now, today).map((i) => i.pointer)).toEqual(pointers);
  });
});

describe('a linked referral', () => {
  const now = new Date('2026-11-28T10:00:00Z');
  const reporter = { organisationId: 'org-1', organisationKind: 'police_borough' } as const;
  it.each([
    ['an open NRM referral adds the marker', true, ['suspected_exploitation', 'open_nrm_referral']],
    ['a closed or Duty to Notify referral does not', false, ['suspected_exploitation']],
  ])('%s', (_case, isOpenNrmReferral, markers) => {
    const episode = recordMissingEpisode(
      'id-1',
      report({ ageYears: 15 }, { traffickingMarkers: ['suspected_exploitation'] }),
      reporter,
      now,
      { id: 'ref-1', isOpenNrmReferral },
    );
    expect(episode.traffickingMarkers).toEqual(markers);
    expect(episode.linkedReferralId).toBe('ref-1');
  });
});

describe('personal fields kept apart', () => {
  it('leaves nothing identifying in the shareable part', () => {
    const { shareable, personal } = separatePersonal(
      report(
        {
          ageYears: 15,
          givenName: 'Ada',
          familyName: 'Lovelace',
          dateOfBirth: '2011-06-01',
          subjectReference: 'LA-1',
        },
        {
          circumstances: 'left school',
          lastSeenLocation: { postcode: 'NW1 2DB', description: 'by the canal' },
          reportingOfficer: { name: 'PC Jones', phone: '+44 20 7946 0000' },
          philomenaProfile: { description: 'tall', photoReference: 'case/1' },
        },
      ),
    );
    expect(JSON.stringify(shareable)).not.toMatch(
      /Ada|Lovelace|2011-06-01|LA-1|left school|canal|Jones|7946|tall|case\/1/,
    );
    expect(shareable).toMatchObject({ lastSeenLocation: { postcode: 'NW1 2DB' } });
    expect(personal).toEqual({
      givenName: 'Ada',
      familyName: 'Lovelace',
      dateOfBirth: '2011-06-01',
      subjectReference: 'LA-1',
      lastSeenDescription: 'by the canal',
      circumstances: 'left school',
      reportingOfficer: { name: 'PC Jones', phone: '+44 20 7946 0000' },
      philomenaProfile: { description: 'tall', photoReference: 'case/1' },
    });
  });
});
