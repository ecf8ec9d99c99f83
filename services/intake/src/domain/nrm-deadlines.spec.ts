import {
  conclusiveGroundsNotBefore,
  MOVE_ON_RULES,
  moveOnAfter,
  reasonableGroundsTargetBy,
  recoveryPeriodEndsOn,
  referralDeadlines,
} from './nrm-deadlines';

describe('NRM deadlines', () => {
  it.each([
    ['a Friday: the next Friday', '2026-11-27', '2026-12-04'],
    ['a Saturday: counted from Monday', '2026-11-28', '2026-12-04'],
    ['before Christmas: three bank holidays skipped', '2026-12-23', '2027-01-04'],
    ['before Easter 2027: Good Friday and Easter Monday skipped', '2027-03-24', '2027-04-02'],
  ])('Reasonable Grounds target, submitted on %s', (_case, submittedOn, expected) => {
    expect(reasonableGroundsTargetBy(submittedOn)).toBe(expected);
  });

  it.each([
    ['2026-11-02', '2026-12-02'],
    ['2027-01-31', '2027-03-02'],
  ])('positive Reasonable Grounds on %s: recovery period and earliest CG %s', (rg, expected) => {
    expect(recoveryPeriodEndsOn(rg)).toBe(expected);
    expect(conclusiveGroundsNotBefore(rg)).toBe(expected);
  });

  it.each([
    [
      'positive RG: no move-on',
      'reasonable_grounds',
      'positive',
      '2026-11-30',
      undefined,
      undefined,
    ],
    [
      'negative RG on a Monday: 9 working days',
      'reasonable_grounds',
      'negative',
      '2026-11-30',
      undefined,
      ['2026-12-11', MOVE_ON_RULES.negativeDecision],
    ],
    [
      'negative CG before Christmas: bank holidays excluded',
      'conclusive_grounds',
      'negative',
      '2026-12-21',
      undefined,
      ['2027-01-06', MOVE_ON_RULES.negativeDecision],
    ],
    [
      'positive CG: 45 days by default',
      'conclusive_grounds',
      'positive',
      '2026-11-30',
      undefined,
      ['2027-01-14', MOVE_ON_RULES.positiveConclusiveGrounds],
    ],
    [
      'positive CG: the support end date given',
      'conclusive_grounds',
      'positive',
      '2026-11-30',
      '2027-02-01',
      ['2027-02-01', MOVE_ON_RULES.positiveConclusiveGrounds],
    ],
  ] as const)('%s', (_case, stage, outcome, decidedOn, supportEndsOn, expected) => {
    const moveOn = moveOnAfter({ stage, outcome, decidedOn, supportEndsOn });
    expect(moveOn && [moveOn.moveOnDeadline, moveOn.moveOnDeadlineRule]).toEqual(expected);
  });

  it('says the rule in words', () => {
    expect(MOVE_ON_RULES).toEqual({
      negativeDecision:
        '9 working days after a negative decision (England and Wales bank holidays excluded)',
      positiveConclusiveGrounds:
        'support ends at least 45 days after a positive Conclusive Grounds decision',
    });
  });

  it.each([
    ['Duty to Notify: none', 'duty_to_notify', [], {}],
    ['awaiting RG: the target', 'nrm', [], { reasonableGroundsTargetBy: '2026-11-04' }],
    [
      'positive RG: recovery period and earliest CG',
      'nrm',
      [{ stage: 'reasonable_grounds', outcome: 'positive', decidedOn: '2026-11-02' }],
      {
        reasonableGroundsTargetBy: '2026-11-04',
        recoveryPeriodEndsOn: '2026-12-02',
        conclusiveGroundsNotBefore: '2026-12-02',
      },
    ],
    [
      'positive CG: support end and move-on',
      'nrm',
      [
        { stage: 'reasonable_grounds', outcome: 'positive', decidedOn: '2026-11-02' },
        {
          stage: 'conclusive_grounds',
          outcome: 'positive',
          decidedOn: '2026-12-10',
          supportEndsOn: '2027-01-24',
          moveOnDeadline: '2027-01-24',
          moveOnDeadlineRule: MOVE_ON_RULES.positiveConclusiveGrounds,
        },
      ],
      {
        reasonableGroundsTargetBy: '2026-11-04',
        recoveryPeriodEndsOn: '2026-12-02',
        conclusiveGroundsNotBefore: '2026-12-02',
        supportEndsOn: '2027-01-24',
        moveOnDeadline: '2027-01-24',
        moveOnDeadlineRule: MOVE_ON_RULES.positiveConclusiveGrounds,
      },
    ],
    [
      'negative RG: move-on only',
      'nrm',
      [
        {
          stage: 'reasonable_grounds',
          outcome: 'negative',
          decidedOn: '2026-11-02',
          moveOnDeadline: '2026-11-13',
          moveOnDeadlineRule: MOVE_ON_RULES.negativeDecision,
        },
      ],
      {
        reasonableGroundsTargetBy: '2026-11-04',
        moveOnDeadline: '2026-11-13',
        moveOnDeadlineRule: MOVE_ON_RULES.negativeDecision,
      },
    ],
  ] as const)('overview, %s', (_case, mechanism, decisions, expected) => {
    expect(referralDeadlines(mechanism, '2026-10-28', decisions)).toEqual(expected);
  });
});
