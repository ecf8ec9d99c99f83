import { addCalendarDays, addWorkingDays } from '@harbour/london';

/**
 * The NRM timescales Harbour computes, as data in one place (Modern Slavery: Statutory Guidance
 * for England and Wales). Change a figure here and every deadline, rule text and README example
 * follows.
 */
export const NRM_TIMESCALES = {
  /** The competent authority aims to decide Reasonable Grounds within 5 working days. */
  reasonableGroundsTargetWorkingDays: 5,
  /** After a positive Reasonable Grounds decision: at least 30 days of recovery and reflection. */
  recoveryPeriodCalendarDays: 30,
  /** A Conclusive Grounds decision is not made earlier than 30 days after Reasonable Grounds. */
  conclusiveGroundsAfterReasonableGroundsCalendarDays: 30,
  /**
   * Move-on support after a negative decision. UNCONFIRMED: 9 working days is the figure in
   * current guidance as we read it; confirm with the Single Competent Authority before relying
   * on it (the README says so too).
   */
  negativeDecisionMoveOnWorkingDays: 9,
  /** After a positive Conclusive Grounds decision, support continues for at least 45 days. */
  positiveConclusiveGroundsMinimumSupportCalendarDays: 45,
} as const;

const T = NRM_TIMESCALES;

/** Shown to recipients next to a move-on deadline, so they see how it was computed. */
export const MOVE_ON_RULES = {
  negativeDecision: `${T.negativeDecisionMoveOnWorkingDays} working days after a negative decision (England and Wales bank holidays excluded)`,
  positiveConclusiveGrounds: `support ends at least ${T.positiveConclusiveGroundsMinimumSupportCalendarDays} days after a positive Conclusive Grounds decision`,
} as const;

export type DecisionStage = 'reasonable_grounds' | 'conclusive_grounds';
export type DecisionOutcome = 'positive' | 'negative';

/** A decision as recorded, with the deadlines computed when it was recorded. */
export interface NrmDecision {
  stage: DecisionStage;
  outcome: DecisionOutcome;
  /** `YYYY-MM-DD` */
  decidedOn: string;
  supportEndsOn?: string;
  moveOnDeadline?: string;
  moveOnDeadlineRule?: string;
}

export function reasonableGroundsTargetBy(submittedOn: string): string {
  return addWorkingDays(submittedOn, T.reasonableGroundsTargetWorkingDays);
}

export function recoveryPeriodEndsOn(positiveReasonableGroundsOn: string): string {
  return addCalendarDays(positiveReasonableGroundsOn, T.recoveryPeriodCalendarDays);
}

export function conclusiveGroundsNotBefore(positiveReasonableGroundsOn: string): string {
  return addCalendarDays(
    positiveReasonableGroundsOn,
    T.conclusiveGroundsAfterReasonableGroundsCalendarDays,
  );
}

export function earliestSupportEndsOn(positiveConclusiveGroundsOn: string): string {
  return addCalendarDays(
    positiveConclusiveGroundsOn,
    T.positiveConclusiveGroundsMinimumSupportCalendarDays,
  );
}

/**
 * When move-on starts and why: a negative decision (either stage) gives 9 working days; a
 * positive Conclusive Grounds decision ends support on `supportEndsOn`. A positive Reasonable
 * Grounds decision starts no move-on.
 */
export function moveOnAfter(
  decision: Pick<NrmDecision, 'stage' | 'outcome' | 'decidedOn' | 'supportEndsOn'>,
): { moveOnDeadline: string; moveOnDeadlineRule: string } | undefined {
  if (decision.outcome === 'negative') {
    return {
      moveOnDeadline: addWorkingDays(decision.decidedOn, T.negativeDecisionMoveOnWorkingDays),
      moveOnDeadlineRule: MOVE_ON_RULES.negativeDecision,
    };
  }
  if (decision.stage === 'reasonable_grounds') return undefined;
  return {
    moveOnDeadline: decision.supportEndsOn ?? earliestSupportEndsOn(decision.decidedOn),
    moveOnDeadlineRule: MOVE_ON_RULES.positiveConclusiveGrounds,
  };
}

/** The dates a referral's reader sees, from its submission date and decisions so far. */
export interface ReferralDeadlines {
  reasonableGroundsTargetBy?: string;
  recoveryPeriodEndsOn?: string;
  conclusiveGroundsNotBefore?: string;
  supportEndsOn?: string;
  moveOnDeadline?: string;
  moveOnDeadlineRule?: string;
}

export function referralDeadlines(
  mechanism: 'nrm' | 'duty_to_notify',
  submittedOn: string,
  decisions: readonly NrmDecision[],
): ReferralDeadlines {
  // A Duty to Notify record is not in the NRM: no decisions, no timescales.
  if (mechanism === 'duty_to_notify') return {};
  const rg = decisions.find((d) => d.stage === 'reasonable_grounds');
  const cg = decisions.find((d) => d.stage === 'conclusive_grounds');
  const positiveRg = rg?.outcome === 'positive' ? rg : undefined;
  const moveOn = [cg, rg].find((d) => d?.moveOnDeadline !== undefined);
  return {
    reasonableGroundsTargetBy: reasonableGroundsTargetBy(submittedOn),
    ...(positiveRg
      ? {
          recoveryPeriodEndsOn: recoveryPeriodEndsOn(positiveRg.decidedOn),
          conclusiveGroundsNotBefore: conclusiveGroundsNotBefore(positiveRg.decidedOn),
        }
      : {}),
    ...(cg?.supportEndsOn !== undefined ? { supportEndsOn: cg.supportEndsOn } : {}),
    ...(moveOn?.moveOnDeadline !== undefined
      ? {
          moveOnDeadline: moveOn.moveOnDeadline,
          ...(moveOn.moveOnDeadlineRule !== undefined
            ? { moveOnDeadlineRule: moveOn.moveOnDeadlineRule }
            : {}),
        }
      : {}),
  };
}
