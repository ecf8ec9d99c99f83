import type { OperationUpdated } from '@harbour/contracts';
import {
  boroughName,
  describeDateWindow,
  describeExpectedPeople,
  describeExploitationTypes,
  describeLanguages,
  type OperationState,
  premisesLabel,
} from './operation-notice';
import type { OperationRuleName, PlannedOperationAlert } from './operation-rules';

export type OperationChange = OperationUpdated['changes'][number];

/** Reasons shown to recipients when an operation's alert closes. */
export const NO_LONGER_NEEDED_REASON = 'no longer needed after the plan changed';
export const OUTCOME_RECORDED_REASON = 'Operation took place; outcome recorded';

export function operationCancelledReason(reason: string | undefined): string {
  const text = reason === undefined ? 'no reason given' : reason;
  return `Operation cancelled: ${text}`.slice(0, 500);
}

function list(values: readonly string[]): string {
  return values.length === 0 ? 'none' : describeLanguages(values);
}

/**
 * What changed, for partners already told, in notice terms only: a new address is "address
 * changed" and a new lead contact "lead contact changed", never what they are.
 */
export function describeChanges(
  changes: readonly OperationChange[],
  before: OperationState,
  after: OperationState,
): string {
  const was = before.notice;
  const now = after.notice;
  const describe = (change: OperationChange): string => {
    switch (change) {
      case 'rescheduled':
        return `rescheduled: ${describeDateWindow(now.startWindow)} (was ${describeDateWindow(was.startWindow)})`;
      case 'address':
        return 'address changed';
      case 'borough':
        return `borough: ${boroughName(now.borough)} (was ${boroughName(was.borough)})`;
      case 'expected_people':
        return `expected people: ${describeExpectedPeople(now.expectedPeople)} (was ${describeExpectedPeople(was.expectedPeople)})`;
      case 'children_likely':
        return now.childrenLikely ? 'children now likely' : 'children no longer expected';
      case 'languages':
        return `languages: ${list(now.expectedLanguages)} (was ${list(was.expectedLanguages)})`;
      case 'exploitation_types':
        return `exploitation types: ${describeExploitationTypes(now.exploitationTypes)} (was ${describeExploitationTypes(was.exploitationTypes)})`;
      case 'vulnerable_people_likely':
        return now.vulnerablePeopleLikely
          ? 'potential victims now likely'
          : 'potential victims no longer flagged';
      case 'premises_kind':
        return `premises: ${premisesLabel(now.premisesKind)} (was ${premisesLabel(was.premisesKind)})`;
      case 'lead_contact':
        return 'lead contact changed';
    }
  };
  return changes.map(describe).join('; ').slice(0, 2000);
}

/** The alert that replaces one already sent: `UPDATED — ` and what changed, first. */
export function asUpdate(next: PlannedOperationAlert, whatChanged: string): PlannedOperationAlert {
  return {
    ...next,
    decision: {
      ...next.decision,
      title: `UPDATED — ${next.decision.title}`.slice(0, 200),
      lines: [{ label: 'What changed', value: whatChanged }, ...next.decision.lines],
    },
  };
}

/** An alert of the operation still standing (not superseded, not cancelled). */
export interface LiveOperationAlert {
  alertId: string;
  rule: string;
}

/**
 * What an update does to the alerts already out:
 * - `supersede`: the rule still applies; a new alert (`UPDATED — …`) replaces the live one;
 * - `cancel`: the rule no longer applies;
 * - `raise`: a rule that newly applies, sent now;
 * - `schedule`: a rule that fires at start and has not fired yet (its timer moves).
 */
export interface UpdatePlan {
  supersede: { current: LiveOperationAlert; next: PlannedOperationAlert }[];
  cancel: LiveOperationAlert[];
  raise: PlannedOperationAlert[];
  schedule: PlannedOperationAlert[];
}

export function planUpdate(
  live: readonly LiveOperationAlert[],
  next: readonly PlannedOperationAlert[],
  whatChanged: string,
): UpdatePlan {
  const plan: UpdatePlan = { supersede: [], cancel: [], raise: [], schedule: [] };
  const applies = new Set<string>(next.map((n) => n.rule));
  for (const alert of next) {
    const current = live.find((l) => l.rule === alert.rule);
    if (current !== undefined) plan.supersede.push({ current, next: asUpdate(alert, whatChanged) });
    else if (alert.firesAt === 'start') plan.schedule.push(alert);
    else plan.raise.push(alert);
  }
  plan.cancel = live.filter((l) => !applies.has(l.rule));
  return plan;
}

/** Pre-operation alerts an outcome closes: all but the displacement watch, which keeps watching. */
export function closedByOutcome(rule: string): boolean {
  const keeps: readonly OperationRuleName[] = [
    'operation-displacement-watch-spoc',
    'operation-displacement-watch-outreach',
  ];
  return !(keeps as readonly string[]).includes(rule);
}
