import { MOVE_ON_RULES, type NrmDecision } from './nrm-deadlines';
import {
  decide,
  isOpenNrmReferral,
  type ReferralForDecision,
  referralStatus,
} from './referral-decision';

const TODAY = '2026-11-28';
const awaitingRg: ReferralForDecision = {
  mechanism: 'nrm',
  submittedOn: '2026-09-01',
  decisions: [],
};
const positiveRg: NrmDecision = {
  stage: 'reasonable_grounds',
  outcome: 'positive',
  decidedOn: '2026-09-07',
};
const negativeRg: NrmDecision = {
  stage: 'reasonable_grounds',
  outcome: 'negative',
  decidedOn: '2026-09-07',
  moveOnDeadline: '2026-09-18',
  moveOnDeadlineRule: MOVE_ON_RULES.negativeDecision,
};
const awaitingCg: ReferralForDecision = { ...awaitingRg, decisions: [positiveRg] };
const dutyToNotify: ReferralForDecision = { ...awaitingRg, mechanism: 'duty_to_notify' };

describe('recording a decision', () => {
  it.each([
    [
      'positive RG',
      awaitingRg,
      { stage: 'reasonable_grounds', outcome: 'positive', decidedOn: '2026-09-07' },
      'accepted',
      undefined,
    ],
    [
      'RG on the day of submission',
      awaitingRg,
      { stage: 'reasonable_grounds', outcome: 'positive', decidedOn: '2026-09-01' },
      'accepted',
      undefined,
    ],
    [
      'RG today',
      awaitingRg,
      { stage: 'reasonable_grounds', outcome: 'negative', decidedOn: TODAY },
      'accepted',
      undefined,
    ],
    [
      'RG in the future',
      awaitingRg,
      { stage: 'reasonable_grounds', outcome: 'positive', decidedOn: '2026-11-29' },
      'invalid',
      ['/decidedOn'],
    ],
    [
      'RG before submission',
      awaitingRg,
      { stage: 'reasonable_grounds', outcome: 'positive', decidedOn: '2026-08-31' },
      'invalid',
      ['/decidedOn'],
    ],
    [
      'RG with supportEndsOn',
      awaitingRg,
      {
        stage: 'reasonable_grounds',
        outcome: 'positive',
        decidedOn: '2026-09-07',
        supportEndsOn: '2026-12-01',
      },
      'invalid',
      ['/supportEndsOn'],
    ],
    [
      'a second RG',
      awaitingCg,
      { stage: 'reasonable_grounds', outcome: 'negative', decidedOn: '2026-09-08' },
      'conflict',
      undefined,
    ],
    [
      'CG before any RG',
      awaitingRg,
      { stage: 'conclusive_grounds', outcome: 'positive', decidedOn: '2026-10-07' },
      'conflict',
      undefined,
    ],
    [
      'CG after a negative RG',
      { ...awaitingRg, decisions: [negativeRg] },
      { stage: 'conclusive_grounds', outcome: 'positive', decidedOn: '2026-10-07' },
      'conflict',
      undefined,
    ],
    [
      'any decision on Duty to Notify',
      dutyToNotify,
      { stage: 'reasonable_grounds', outcome: 'positive', decidedOn: '2026-09-07' },
      'conflict',
      undefined,
    ],
    [
      'CG 29 days after RG',
      awaitingCg,
      { stage: 'conclusive_grounds', outcome: 'positive', decidedOn: '2026-10-06' },
      'invalid',
      ['/decidedOn'],
    ],
    [
      'CG 30 days after RG',
      awaitingCg,
      { stage: 'conclusive_grounds', outcome: 'positive', decidedOn: '2026-10-07' },
      'accepted',
      undefined,
    ],
    [
      'negative CG with supportEndsOn',
      awaitingCg,
      {
        stage: 'conclusive_grounds',
        outcome: 'negative',
        decidedOn: '2026-10-07',
        supportEndsOn: '2026-12-01',
      },
      'invalid',
      ['/supportEndsOn'],
    ],
    [
      'support ending 44 days after CG',
      awaitingCg,
      {
        stage: 'conclusive_grounds',
        outcome: 'positive',
        decidedOn: '2026-10-07',
        supportEndsOn: '2026-11-20',
      },
      'invalid',
      ['/supportEndsOn'],
    ],
    [
      'support ending 45 days after CG',
      awaitingCg,
      {
        stage: 'conclusive_grounds',
        outcome: 'positive',
        decidedOn: '2026-10-07',
        supportEndsOn: '2026-11-21',
      },
      'accepted',
      undefined,
    ],
    [
      'future and misplaced support at once',
      awaitingRg,
      {
        stage: 'reasonable_grounds',
        outcome: 'positive',
        decidedOn: '2026-12-01',
        supportEndsOn: '2027-01-01',
      },
      'invalid',
      ['/decidedOn', '/supportEndsOn'],
    ],
  ] as const)('%s → %s', (_case, referral, body, expected, pointers) => {
    const ruling = decide(referral, body, TODAY);
    expect(ruling.kind).toBe(expected);
    if (ruling.kind === 'invalid') expect(ruling.issues.map((i) => i.pointer)).toEqual(pointers);
  });

  it.each([
    [
      'a positive RG starts no move-on',
      awaitingRg,
      { stage: 'reasonable_grounds', outcome: 'positive', decidedOn: '2026-09-07' },
      { stage: 'reasonable_grounds', outcome: 'positive', decidedOn: '2026-09-07' },
    ],
    [
      'a negative RG: 9 working days',
      awaitingRg,
      { stage: 'reasonable_grounds', outcome: 'negative', decidedOn: '2026-09-07' },
      {
        stage: 'reasonable_grounds',
        outcome: 'negative',
        decidedOn: '2026-09-07',
        moveOnDeadline: '2026-09-18',
        moveOnDeadlineRule: MOVE_ON_RULES.negativeDecision,
      },
    ],
    [
      'a positive CG without an end date: 45 days',
      awaitingCg,
      { stage: 'conclusive_grounds', outcome: 'positive', decidedOn: '2026-10-07' },
      {
        stage: 'conclusive_grounds',
        outcome: 'positive',
        decidedOn: '2026-10-07',
        supportEndsOn: '2026-11-21',
        moveOnDeadline: '2026-11-21',
        moveOnDeadlineRule: MOVE_ON_RULES.positiveConclusiveGrounds,
      },
    ],
    [
      'a positive CG with a later end date',
      awaitingCg,
      {
        stage: 'conclusive_grounds',
        outcome: 'positive',
        decidedOn: '2026-10-07',
        supportEndsOn: '2027-01-31',
      },
      {
        stage: 'conclusive_grounds',
        outcome: 'positive',
        decidedOn: '2026-10-07',
        supportEndsOn: '2027-01-31',
        moveOnDeadline: '2027-01-31',
        moveOnDeadlineRule: MOVE_ON_RULES.positiveConclusiveGrounds,
      },
    ],
  ] as const)('%s', (_case, referral, body, expected) => {
    expect(decide(referral, body, TODAY)).toEqual({ kind: 'accepted', change: expected });
  });
});

describe('where a referral stands', () => {
  const negativeCg: NrmDecision = {
    stage: 'conclusive_grounds',
    outcome: 'negative',
    decidedOn: '2026-10-07',
  };
  const positiveCg: NrmDecision = { ...negativeCg, outcome: 'positive' };
  it.each([
    ['Duty to Notify', dutyToNotify, 'duty_to_notify', false],
    ['no decision yet', awaitingRg, 'awaiting_reasonable_grounds', true],
    ['positive RG', awaitingCg, 'awaiting_conclusive_grounds', true],
    [
      'negative RG',
      { ...awaitingRg, decisions: [negativeRg] },
      'negative_reasonable_grounds',
      false,
    ],
    [
      'positive CG',
      { ...awaitingRg, decisions: [positiveRg, positiveCg] },
      'positive_conclusive_grounds',
      true,
    ],
    [
      'negative CG',
      { ...awaitingRg, decisions: [positiveRg, negativeCg] },
      'negative_conclusive_grounds',
      false,
    ],
  ] as const)('%s → %s (open NRM referral: %s)', (_case, referral, status, open) => {
    expect(referralStatus(referral)).toBe(status);
    expect(isOpenNrmReferral(referral)).toBe(open);
  });
});
