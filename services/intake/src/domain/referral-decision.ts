import type { ReferralDecisionBody } from '@harbour/contracts';
import { calendarDaysBetween } from '@harbour/london';
import { accepted, conflict, type FieldIssue, type Ruling } from './field-issue';
import {
  earliestSupportEndsOn,
  moveOnAfter,
  NRM_TIMESCALES,
  type NrmDecision,
} from './nrm-deadlines';
import type { ReferralMechanism } from './referral';

/** What the decision rules need to know about a referral. */
export interface ReferralForDecision {
  mechanism: ReferralMechanism;
  submittedOn: string;
  decisions: readonly NrmDecision[];
}

/** Where a referral stands in the NRM, from its decisions. */
export type ReferralStatus =
  | 'duty_to_notify'
  | 'awaiting_reasonable_grounds'
  | 'awaiting_conclusive_grounds'
  | 'positive_conclusive_grounds'
  | 'negative_reasonable_grounds'
  | 'negative_conclusive_grounds';

export function referralStatus(referral: Omit<ReferralForDecision, 'submittedOn'>): ReferralStatus {
  if (referral.mechanism === 'duty_to_notify') return 'duty_to_notify';
  const rg = referral.decisions.find((d) => d.stage === 'reasonable_grounds');
  const cg = referral.decisions.find((d) => d.stage === 'conclusive_grounds');
  if (!rg) return 'awaiting_reasonable_grounds';
  if (rg.outcome === 'negative') return 'negative_reasonable_grounds';
  if (!cg) return 'awaiting_conclusive_grounds';
  return cg.outcome === 'positive' ? 'positive_conclusive_grounds' : 'negative_conclusive_grounds';
}

/** An NRM referral with no negative decision: a missing person linked to it is at risk. */
export function isOpenNrmReferral(referral: Omit<ReferralForDecision, 'submittedOn'>): boolean {
  return referral.mechanism === 'nrm' && referral.decisions.every((d) => d.outcome !== 'negative');
}

const STAGE_NAMES = {
  reasonable_grounds: 'Reasonable Grounds',
  conclusive_grounds: 'Conclusive Grounds',
} as const;

/**
 * Records a Reasonable Grounds or Conclusive Grounds decision. Input that is wrong whatever the
 * referral (a future date, supportEndsOn where it does not belong) is refused first; then what
 * the referral's state forbids (409); then dates that contradict the referral's history.
 * `today` is the London date.
 */
export function decide(
  referral: ReferralForDecision,
  body: ReferralDecisionBody,
  today: string,
): Ruling<NrmDecision> {
  const positiveCg = body.stage === 'conclusive_grounds' && body.outcome === 'positive';
  const inputIssues: FieldIssue[] = [];
  if (body.decidedOn > today) {
    inputIssues.push({ pointer: '/decidedOn', message: 'must not be in the future' });
  }
  if (body.supportEndsOn !== undefined && !positiveCg) {
    inputIssues.push({
      pointer: '/supportEndsOn',
      message: 'is given only with a positive Conclusive Grounds decision',
    });
  }
  if (inputIssues.length > 0) return { kind: 'invalid', issues: inputIssues };

  if (referral.mechanism === 'duty_to_notify') {
    return conflict('A Duty to Notify record is not in the NRM and takes no decisions.');
  }
  if (referral.decisions.some((d) => d.stage === body.stage)) {
    return conflict(`A ${STAGE_NAMES[body.stage]} decision is already recorded.`);
  }
  const rg = referral.decisions.find((d) => d.stage === 'reasonable_grounds');
  if (body.stage === 'conclusive_grounds' && rg?.outcome !== 'positive') {
    return conflict(
      'A Conclusive Grounds decision follows a positive Reasonable Grounds decision only.',
    );
  }

  const historyIssues: FieldIssue[] = [];
  if (body.decidedOn < referral.submittedOn) {
    historyIssues.push({
      pointer: '/decidedOn',
      message: `must not be before the referral was submitted (${referral.submittedOn})`,
    });
  } else if (
    body.stage === 'conclusive_grounds' &&
    rg !== undefined &&
    calendarDaysBetween(rg.decidedOn, body.decidedOn) <
      NRM_TIMESCALES.conclusiveGroundsAfterReasonableGroundsCalendarDays
  ) {
    historyIssues.push({
      pointer: '/decidedOn',
      message: `must be at least ${NRM_TIMESCALES.conclusiveGroundsAfterReasonableGroundsCalendarDays} days after the Reasonable Grounds decision (${rg.decidedOn})`,
    });
  }
  if (positiveCg && body.supportEndsOn !== undefined) {
    const earliest = earliestSupportEndsOn(body.decidedOn);
    if (body.supportEndsOn < earliest) {
      historyIssues.push({
        pointer: '/supportEndsOn',
        message: `must be at least ${NRM_TIMESCALES.positiveConclusiveGroundsMinimumSupportCalendarDays} days after decidedOn (${earliest} or later)`,
      });
    }
  }
  if (historyIssues.length > 0) return { kind: 'invalid', issues: historyIssues };

  const supportEndsOn = positiveCg
    ? (body.supportEndsOn ?? earliestSupportEndsOn(body.decidedOn))
    : undefined;
  const decision = {
    stage: body.stage,
    outcome: body.outcome,
    decidedOn: body.decidedOn,
    ...(supportEndsOn !== undefined ? { supportEndsOn } : {}),
  };
  return accepted({ ...decision, ...moveOnAfter(decision) });
}
