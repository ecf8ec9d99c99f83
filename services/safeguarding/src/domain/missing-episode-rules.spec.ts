import {
  assessMissingEpisode,
  audienceOf,
  type ReportedMissingEpisode,
  severityOf,
} from './missing-episode-rules';

const episode = (overrides: Partial<ReportedMissingEpisode> = {}): ReportedMissingEpisode => ({
  episodeId: '7b0c6a57-7f0e-4a44-9b1c-1f7c0e6f2a11',
  isChild: true,
  ageYears: 15,
  ageDisputed: false,
  gender: 'female',
  traffickingMarkers: ['open_nrm_referral'],
  borough: 'E09000007',
  boroughName: 'Camden',
  riskGrade: 'medium',
  lastSeenAt: '2026-07-01T08:30:00Z',
  ...overrides,
});

describe('missing-episode severity (DOMAIN.md rules)', () => {
  it('a child with a trafficking marker is critical whatever the police grade', () => {
    expect(severityOf(episode({ riskGrade: 'low' }))).toEqual({
      severity: 'critical',
      rule: 'missing-child-with-trafficking-marker',
    });
  });
  it('a child without a marker is informational', () => {
    expect(severityOf(episode({ traffickingMarkers: [] })).severity).toBe('informational');
  });
  it('a high-risk adult is high only with a trafficking marker; other adults informational', () => {
    expect(
      severityOf(
        episode({ isChild: false, ageYears: 30, riskGrade: 'high', traffickingMarkers: [] }),
      ).severity,
    ).toBe('informational');
    expect(severityOf(episode({ isChild: false, ageYears: 30, riskGrade: 'high' })).severity).toBe(
      'high',
    );
    expect(
      severityOf(episode({ isChild: false, ageYears: 30, riskGrade: 'medium' })).severity,
    ).toBe('informational');
  });
});

describe('the rules as a table (ages, markers, risk grades)', () => {
  it.each([
    // age, disputed, markers, grade → severity
    [15, false, ['open_nrm_referral'], 'low', 'critical'],
    [17, false, ['unaccompanied'], 'medium', 'critical'],
    [18, false, ['suspected_exploitation'], 'medium', 'informational'],
    [18, false, ['suspected_exploitation'], 'high', 'high'],
    [19, true, ['ictg_allocated'], 'very_low', 'critical'],
    [16, false, [], 'high', 'informational'],
    [40, false, [], 'high', 'informational'],
  ] as const)(
    'age %s (disputed %s), markers %j, grade %s → %s',
    (age, disputed, markers, grade, expected) => {
      const isChild = disputed || age < 18;
      expect(
        severityOf(
          episode({
            ageYears: age,
            ageDisputed: disputed,
            isChild,
            traffickingMarkers: [...markers],
            riskGrade: grade,
          }),
        ).severity,
      ).toBe(expected);
    },
  );
});

describe('who is alerted', () => {
  it('critical: missing-person unit, specialist unit, local authority and children’s NGOs of the borough', () => {
    expect(audienceOf(episode(), 'critical')).toEqual({
      roles: ['missing_person_unit', 'police_specialist', 'local_authority', 'ngo'],
      boroughs: ['E09000007'],
      ageGroup: 'child',
    });
  });
  it('high: missing-person unit and specialist unit; informational: the borough police SPoC', () => {
    const adult = episode({ isChild: false, ageYears: 30 });
    expect(audienceOf(adult, 'high').roles).toEqual(['missing_person_unit', 'police_specialist']);
    expect(audienceOf(adult, 'informational')).toEqual({
      roles: ['police_borough'],
      boroughs: ['E09000007'],
      ageGroup: 'adult',
    });
  });
});

describe('the alert decision', () => {
  it('goes to the missing-person unit of the borough, critical within 15 minutes', () => {
    const decision = assessMissingEpisode(episode());
    expect(decision).toMatchObject({
      severity: 'critical',
      acknowledgeWithinMinutes: 15,
      audience: {
        roles: ['missing_person_unit', 'police_specialist', 'local_authority', 'ngo'],
        boroughs: ['E09000007'],
        ageGroup: 'child',
      },
      title: 'Missing child with trafficking marker — Camden',
    });
  });
  it('high-risk adults with a trafficking marker must be acknowledged within 60 minutes', () => {
    expect(
      assessMissingEpisode(episode({ isChild: false, ageYears: 40, riskGrade: 'high' }))
        .acknowledgeWithinMinutes,
    ).toBe(60);
  });
  it('shows times in London time (BST in summer) and explains disputed ages', () => {
    const decision = assessMissingEpisode(episode({ ageDisputed: true, ageYears: 19 }));
    const line = (label: string) => decision.lines.find((l) => l.label === label)?.value;
    expect(line('Last seen')).toBe('Wed, 1 Jul 2026, 09:30 BST');
    expect(line('Age')).toBe('19 (age disputed, treated as a child)');
    expect(line('Trafficking markers')).toBe('open NRM referral');
  });
});
