import {
  assessLinkedReferral,
  assessMissingEpisode,
  assessRegrade,
  audienceOf,
  POLICE_ROLES,
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

describe('severity, audience and acknowledgement window: ages × markers × grades', () => {
  const MARKERS = [
    'open_nrm_referral',
    'ictg_allocated',
    'suspected_exploitation',
    'unaccompanied',
    'known_victim',
  ];
  const CRITICAL = {
    severity: 'critical',
    roles: ['missing_person_unit', 'police_specialist', 'local_authority', 'ngo'],
    minutes: 15,
  };
  const HIGH = {
    severity: 'high',
    roles: ['missing_person_unit', 'police_specialist'],
    minutes: 60,
  };
  const INFO = { severity: 'informational', roles: ['police_borough'], minutes: 1440 };
  const cases: [string, number | undefined, boolean, string[], string, typeof CRITICAL][] = [];
  const ages: [string, number | undefined, boolean][] = [
    ['15', 15, false],
    ['17', 17, false],
    ['18', 18, false],
    ['disputed 19', 19, true],
    ['disputed, unknown', undefined, true],
  ];
  for (const [label, age, disputed] of ages) {
    const child = disputed || (age !== undefined && age < 18);
    for (const marker of [...MARKERS, undefined]) {
      for (const grade of ['very_low', 'low', 'medium', 'high']) {
        const markers = marker === undefined ? [] : [marker];
        const expected =
          markers.length === 0 ? INFO : child ? CRITICAL : grade === 'high' ? HIGH : INFO;
        cases.push([label, age, disputed, markers, grade, expected]);
      }
    }
  }

  it.each(cases)(
    'age %s (%s, disputed %s), markers %j, grade %s',
    (_label, age, disputed, markers, grade, expected) => {
      const isChild = disputed || (age !== undefined && age < 18);
      const decision = assessMissingEpisode(
        episode({
          ...(age === undefined ? { ageYears: undefined } : { ageYears: age }),
          ageDisputed: disputed,
          isChild,
          traffickingMarkers: markers,
          riskGrade: grade as ReportedMissingEpisode['riskGrade'],
        }),
      );
      expect({
        severity: decision.severity,
        roles: decision.audience.roles,
        minutes: decision.acknowledgeWithinMinutes,
      }).toEqual(expected);
      expect(decision.audience.ageGroup).toBe(isChild ? 'child' : 'adult');
      expect(decision.escalationPolicy).toBeUndefined();
    },
  );
});

describe('what Harbour adds to the summary', () => {
  const line = (e: ReportedMissingEpisode, label: string) =>
    assessMissingEpisode(e).lines.find((l) => l.label === label)?.value;

  it('says when Harbour linked the marker, and only then', () => {
    const linked = episode({ markersLinkedByHarbour: ['open_nrm_referral'] });
    expect(line(linked, 'Trafficking markers')).toBe('open NRM referral (linked by Harbour)');
    expect(line(linked, 'Linked by Harbour')).toMatch(/added by Harbour, not by the reporter/);
    expect(line(episode(), 'Linked by Harbour')).toBeUndefined();
  });

  it('says how often the person went missing, with the previous episode', () => {
    const repeated = episode({
      repeat: {
        count: 3,
        previous: { episodeId: 'e-prev', reportedAt: '2026-06-30T23:30:00Z' },
      },
    });
    expect(line(repeated, 'Repeat episodes')).toBe(
      'Missing 3 times in the last 12 months (previous episode e-prev, reported Wed, 1 Jul 2026)',
    );
    expect(line(episode(), 'Repeat episodes')).toBeUndefined();
  });

  it('never puts a name or date of birth in the alert (there is none to put)', () => {
    const decision = assessMissingEpisode(episode());
    expect(decision.lines.map((l) => l.label)).toEqual([
      'Borough',
      'Age',
      'Gender',
      'Police risk grade',
      'Trafficking markers',
      'Last seen',
      'Episode reference',
    ]);
  });
});

describe('risk regrades', () => {
  const adult = episode({ isChild: false, ageYears: 30, traffickingMarkers: ['known_victim'] });
  const regrade = {
    previousRiskGrade: 'medium',
    riskGrade: 'high',
    regradedAt: '2026-07-01T10:00:00Z',
  } as const;

  it('up to a new severity: a superseding alert with the new audience, titled "risk regraded"', () => {
    const outcome = assessRegrade({ ...adult, riskGrade: 'high' }, regrade, 'informational');
    expect(outcome.kind).toBe('supersede');
    if (outcome.kind !== 'supersede') return;
    expect(outcome.decision).toMatchObject({
      severity: 'high',
      acknowledgeWithinMinutes: 60,
      audience: { roles: ['missing_person_unit', 'police_specialist'] },
      title: 'Missing adult with trafficking marker — Camden — risk regraded',
    });
    expect(outcome.decision.lines.find((l) => l.label === 'Risk regraded')?.value).toBe(
      'from medium to high at Wed, 1 Jul 2026, 11:00 BST; this alert replaces the informational one',
    );
    expect(outcome.stages).toEqual([]);
  });

  it('down to a lower severity also supersedes (so the higher escalation stops)', () => {
    const outcome = assessRegrade(
      { ...adult, riskGrade: 'medium' },
      { ...regrade, previousRiskGrade: 'high', riskGrade: 'medium' },
      'high',
    );
    expect(outcome.kind === 'supersede' && outcome.decision.severity).toBe('informational');
  });

  it('same severity: an operational follow-up, and the reason at personal level for police only', () => {
    const outcome = assessRegrade(
      episode({ riskGrade: 'low' }),
      {
        previousRiskGrade: 'medium',
        riskGrade: 'low',
        regradedAt: regrade.regradedAt,
        reason: 'Called her mother',
      },
      'critical',
    );
    expect(outcome.kind).toBe('follow-up');
    expect(outcome.stages).toEqual([
      expect.objectContaining({
        level: 'operational',
        title: 'Risk regraded from medium to low — Camden',
        reason: 'Risk regraded from medium to low; severity unchanged',
      }),
      expect.objectContaining({
        level: 'personal',
        roles: POLICE_ROLES,
        lines: [
          { label: 'Reason for regrade', value: 'Called her mother' },
          { label: 'Episode reference', value: '7b0c6a57-7f0e-4a44-9b1c-1f7c0e6f2a11' },
        ],
      }),
    ]);
    expect(outcome.stages[0]!.roles).toBeUndefined();
  });
});

describe('an open NRM referral found after the report', () => {
  const linked = (overrides: Partial<ReportedMissingEpisode> = {}) =>
    episode({
      traffickingMarkers: ['open_nrm_referral'],
      markersLinkedByHarbour: ['open_nrm_referral'],
      ...overrides,
    });

  it('makes a child critical: a superseding alert that says why', () => {
    const outcome = assessLinkedReferral(linked(), 'informational');
    expect(outcome.kind === 'supersede' && outcome.decision).toMatchObject({
      severity: 'critical',
      title: 'Missing child with trafficking marker — Camden — linked to an open NRM referral',
    });
  });

  it('tells the current recipients when the severity stays (an adult not graded high)', () => {
    const outcome = assessLinkedReferral(
      linked({ isChild: false, ageYears: 30, riskGrade: 'medium' }),
      'informational',
    );
    expect(outcome).toEqual({
      kind: 'follow-up',
      stages: [
        expect.objectContaining({
          level: 'operational',
          title: 'Linked to an open NRM referral — Camden',
          reason: 'Harbour linked the episode to an open NRM referral; severity unchanged',
        }),
      ],
    });
  });
});
