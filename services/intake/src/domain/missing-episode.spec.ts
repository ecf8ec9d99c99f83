import {
  isTreatedAsChild,
  lastSeenIsPlausible,
  recordMissingEpisode,
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
