import {
  assessMoveOn,
  caseStateAfter,
  type RecordedDecision,
  type ReferralCaseFacts,
} from './move-on-rules';

const facts = (overrides: Partial<ReferralCaseFacts> = {}): ReferralCaseFacts => ({
  isChild: false,
  borough: 'E09000007',
  boroughName: 'Camden',
  shareWith: ['ngo', 'housing_provider'],
  ...overrides,
});
const negativeRg: RecordedDecision = {
  referralId: 'r-9',
  stage: 'reasonable_grounds',
  outcome: 'negative',
  decidedOn: '2026-12-21',
  moveOnDeadline: '2027-01-06',
  moveOnDeadlineRule:
    '9 working days after a negative decision (England and Wales bank holidays excluded)',
};

describe('move-on alerts', () => {
  it.each([
    // who, shareWith → roles, ageGroup, disclosure, rule
    [
      false,
      ['ngo', 'housing_provider'],
      ['ngo', 'housing_provider'],
      'adult',
      'operational',
      'move-on-adult-consented-providers',
    ],
    [
      false,
      ['housing_provider', 'police_borough'],
      ['housing_provider'],
      'adult',
      'operational',
      'move-on-adult-consented-providers',
    ],
    [
      false,
      ['police_borough', 'local_authority'],
      ['coordinator'],
      undefined,
      'notice',
      'move-on-adult-no-consented-provider-coordinator',
    ],
    [
      false,
      [],
      ['coordinator'],
      undefined,
      'notice',
      'move-on-adult-no-consented-provider-coordinator',
    ],
    [true, [], ['local_authority'], 'child', 'operational', 'move-on-child-local-authority'],
    [
      true,
      ['ngo', 'housing_provider'],
      ['local_authority'],
      'child',
      'operational',
      'move-on-child-local-authority',
    ],
  ] as const)(
    'child %s sharing with %j → %j',
    (isChild, shareWith, roles, ageGroup, disclosure, rule) => {
      const decision = assessMoveOn(facts({ isChild, shareWith: [...shareWith] }), negativeRg);
      expect(decision).toMatchObject({
        severity: 'high',
        acknowledgeWithinMinutes: 1440,
        audience: { roles, boroughs: ['E09000007'] },
        disclosure,
        rule,
        escalationPolicy: {
          levels: [{ afterMinutes: 1440, roles: ['coordinator'], boroughs: ['pan_london'] }],
          repeat: 0,
        },
      });
      expect(decision?.audience.ageGroup).toBe(ageGroup);
    },
  );

  it('shows the decision, the dates in London terms and the rule from the event', () => {
    const decision = assessMoveOn(facts(), negativeRg);
    expect(decision?.title).toBe('Move-on deadline Wed, 6 Jan 2027 — Camden');
    expect(decision?.lines).toEqual([
      { label: 'Decision', value: 'Negative Reasonable Grounds decision' },
      { label: 'Decided on', value: 'Mon, 21 Dec 2026' },
      { label: 'Move-on deadline', value: 'Wed, 6 Jan 2027' },
      { label: 'Deadline rule', value: negativeRg.moveOnDeadlineRule },
      { label: 'Referral reference', value: 'r-9' },
    ]);
  });

  it('raises nothing for a decision without a deadline (a positive Reasonable Grounds)', () => {
    expect(
      assessMoveOn(facts(), {
        ...negativeRg,
        outcome: 'positive',
        moveOnDeadline: undefined,
      }),
    ).toBeUndefined();
  });
});

describe('the case after a decision', () => {
  it.each([
    ['reasonable_grounds', 'negative', undefined, { status: 'closed' }],
    ['conclusive_grounds', 'negative', undefined, { status: 'closed' }],
    ['reasonable_grounds', 'positive', undefined, { status: 'open' }],
    [
      'conclusive_grounds',
      'positive',
      '2027-03-01',
      { status: 'open', supportEndsOn: '2027-03-01' },
    ],
  ] as const)('%s %s → %j', (stage, outcome, supportEndsOn, expected) => {
    expect(
      caseStateAfter({
        referralId: 'r',
        stage,
        outcome,
        decidedOn: '2027-01-01',
        ...(supportEndsOn !== undefined ? { supportEndsOn } : {}),
      }),
    ).toEqual(expected);
  });
});
