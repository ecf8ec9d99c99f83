import type { OrganisationKind } from '@harbour/contracts';
import type { AlertDecision } from './alert-decision';
import { formatCalendarDate } from './london-date';

/** A recorded Reasonable or Conclusive Grounds decision (the event's facts). */
export interface RecordedDecision {
  referralId: string;
  stage: 'reasonable_grounds' | 'conclusive_grounds';
  outcome: 'positive' | 'negative';
  decidedOn: string;
  moveOnDeadline?: string;
  moveOnDeadlineRule?: string;
  supportEndsOn?: string;
}

/** What the move-on rules need of the case: nothing that identifies the person. */
export interface ReferralCaseFacts {
  isChild: boolean;
  borough: string;
  boroughName: string;
  shareWith: string[];
}

export const MOVE_ON_ACKNOWLEDGE_MINUTES = 24 * 60;

/** Who moves an adult on: their support provider and housing, if the person consented. */
const ADULT_MOVE_ON_KINDS: readonly OrganisationKind[] = ['ngo', 'housing_provider'];

const STAGE_LABELS = {
  reasonable_grounds: 'Reasonable Grounds',
  conclusive_grounds: 'Conclusive Grounds',
} as const;

/** The case after a decision: a negative decision closes it; a positive CG keeps it open until support ends. */
export function caseStateAfter(decision: RecordedDecision): {
  status: 'open' | 'closed';
  supportEndsOn?: string;
} {
  if (decision.outcome === 'negative') return { status: 'closed' };
  if (decision.stage === 'conclusive_grounds') {
    const ends = decision.supportEndsOn ?? decision.moveOnDeadline;
    return ends === undefined ? { status: 'open' } : { status: 'open', supportEndsOn: ends };
  }
  return { status: 'open' };
}

/**
 * A decision that starts move-on (it carries a deadline) alerts whoever must move the person on
 * before the deadline: for an adult, the support provider (NGO) and housing provider they
 * consented to share with; for a child, the local authority. When an adult consented to neither,
 * the coordinator is told instead, with the same non-identifying notice. High, one day to
 * acknowledge, then the coordinator (pan-London), once.
 */
export function assessMoveOn(
  facts: ReferralCaseFacts,
  decision: RecordedDecision,
): AlertDecision | undefined {
  const deadline = decision.moveOnDeadline;
  if (deadline === undefined) return undefined;
  const consented = facts.isChild
    ? (['local_authority'] satisfies OrganisationKind[])
    : ADULT_MOVE_ON_KINDS.filter((kind) => facts.shareWith.includes(kind));
  const fallback = consented.length === 0;
  const outcome = decision.outcome === 'positive' ? 'Positive' : 'Negative';
  return {
    severity: 'high',
    acknowledgeWithinMinutes: MOVE_ON_ACKNOWLEDGE_MINUTES,
    audience: fallback
      ? { roles: ['coordinator'], boroughs: [facts.borough] }
      : {
          roles: consented,
          boroughs: [facts.borough],
          ageGroup: facts.isChild ? 'child' : 'adult',
        },
    disclosure: fallback ? 'notice' : 'operational',
    title: `Move-on deadline ${formatCalendarDate(deadline)} — ${facts.boroughName}`,
    lines: [
      { label: 'Decision', value: `${outcome} ${STAGE_LABELS[decision.stage]} decision` },
      { label: 'Decided on', value: formatCalendarDate(decision.decidedOn) },
      { label: 'Move-on deadline', value: formatCalendarDate(deadline) },
      {
        label: 'Deadline rule',
        value: decision.moveOnDeadlineRule ?? 'as recorded with the decision',
      },
      ...(fallback
        ? [
            {
              label: 'Why you',
              value:
                'The person did not consent to share with a support or housing provider: arrange move-on support through the hub.',
            },
          ]
        : []),
      { label: 'Referral reference', value: decision.referralId },
    ],
    rule: facts.isChild
      ? 'move-on-child-local-authority'
      : fallback
        ? 'move-on-adult-no-consented-provider-coordinator'
        : 'move-on-adult-consented-providers',
    escalationPolicy: {
      levels: [
        {
          afterMinutes: MOVE_ON_ACKNOWLEDGE_MINUTES,
          roles: ['coordinator'],
          boroughs: ['pan_london'],
        },
      ],
      repeat: 0,
    },
  };
}
