import { assessReferral, consentedKinds, type SubmittedReferral } from './referral-rules';

const referral = (overrides: Partial<SubmittedReferral> = {}): SubmittedReferral => ({
  referralId: 'r-1',
  mechanism: 'nrm',
  isChild: false,
  ageDisputed: false,
  gender: 'non_binary',
  borough: 'E09000030',
  boroughName: 'Tower Hamlets',
  exploitationTypes: ['sexual', 'domestic_servitude'],
  languages: ['vi', 'zh'],
  shareWith: ['ngo'],
  ...overrides,
});

describe('referral alerts', () => {
  it.each([
    // isChild, disputed, mechanism, shareWith → severity, roles, minutes, ageGroup, rule
    [true, false, 'nrm', [], 'high', ['local_authority', 'ngo'], 60, 'child', 'referral-of-child'],
    [
      true,
      true,
      'nrm',
      ['police_borough'],
      'high',
      ['local_authority', 'ngo'],
      60,
      'child',
      'referral-of-child',
    ],
    [
      false,
      false,
      'nrm',
      ['ngo'],
      'informational',
      ['ngo'],
      1440,
      'adult',
      'referral-of-adult-shared-with-consent',
    ],
    [
      false,
      false,
      'nrm',
      ['housing_provider', 'missing_person_unit', 'police_borough'],
      'informational',
      ['police_borough', 'housing_provider', 'missing_person_unit'],
      1440,
      'adult',
      'referral-of-adult-shared-with-consent',
    ],
  ] as const)(
    'child %s, disputed %s, %s, shares with %j → %s to %j',
    (isChild, ageDisputed, mechanism, shareWith, severity, roles, minutes, ageGroup, rule) => {
      const { decision } = assessReferral(
        referral({ isChild, ageDisputed, mechanism, shareWith: [...shareWith] }),
      );
      expect(decision).toMatchObject({
        severity,
        acknowledgeWithinMinutes: minutes,
        audience: { roles, boroughs: ['E09000030'], ageGroup },
        rule,
      });
    },
  );

  it.each([
    [
      'an adult who consented to share with nobody',
      referral({ shareWith: [] }),
      'referral-of-adult-without-consent-to-share',
    ],
    [
      'an adult whose consent names only kinds Harbour never tells',
      referral({ shareWith: ['immigration', 'coordinator'] }),
      'referral-of-adult-without-consent-to-share',
    ],
    [
      'a Duty to Notify report',
      referral({ mechanism: 'duty_to_notify' }),
      'duty-to-notify-no-alert',
    ],
    [
      'a Duty to Notify report even if it lists partners',
      referral({ mechanism: 'duty_to_notify', shareWith: ['ngo', 'local_authority'] }),
      'duty-to-notify-no-alert',
    ],
  ])('no alert for %s', (_name, input, rule) => {
    expect(assessReferral(input)).toEqual({ rule });
  });

  it('immigration is never among the consented kinds', () => {
    expect(consentedKinds(['immigration', 'ngo', 'coordinator'])).toEqual(['ngo']);
  });

  it('summarises without anything that identifies the person', () => {
    const { decision } = assessReferral(
      referral({
        isChild: true,
        speaksEnglish: true,
        accommodationNeed: { urgency: 'soon', dependants: 2, accessNeeds: 'wheelchair' },
      }),
    );
    expect(decision?.title).toBe('Child referred to the NRM — Tower Hamlets');
    expect(decision?.lines).toEqual([
      { label: 'Borough', value: 'Tower Hamlets' },
      { label: 'Age group', value: 'child (under 18)' },
      { label: 'Gender', value: 'non-binary' },
      { label: 'Exploitation types', value: 'sexual; domestic servitude' },
      { label: 'Languages', value: 'vi, zh' },
      { label: 'Speaks English', value: 'yes' },
      { label: 'Accommodation need', value: 'within days, with 2 dependants' },
      { label: 'Referral reference', value: 'r-1' },
    ]);
  });
});
