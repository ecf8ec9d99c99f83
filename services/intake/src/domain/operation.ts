import type {
  Address,
  ExpectedPeople,
  ExploitationType,
  LeadContact,
  OperationDetails,
  OperationKind,
  OperationPlanBody,
  OrganisationKind,
  OrganisationRef,
  PremisesKind,
} from '@harbour/contracts';
import { isLondonGss, isLondonPostcode, normalisePostcode } from '@harbour/london';
import { accepted, type FieldIssue, type Ruling } from './field-issue';
import { canonicalTimeZone, startWindow } from './operation-window';

/** Organisations that plan operations: police (borough or specialist) and immigration. */
export const PLANNER_KINDS = [
  'police_borough',
  'police_specialist',
  'immigration',
] as const satisfies readonly OrganisationKind[];

export type PlannerKind = (typeof PLANNER_KINDS)[number];

const POLICE_OPERATIONS: readonly OperationKind[] = [
  'raid',
  'warrant',
  'premises_visit',
  'labour_inspection',
];

/**
 * Who may plan what. Welfare visits and immigration enforcement are UKVI work; raids and
 * warrants are police powers; both inspect labour and visit premises.
 */
export const PLANNABLE_OPERATIONS: Readonly<Record<PlannerKind, readonly OperationKind[]>> = {
  police_borough: POLICE_OPERATIONS,
  police_specialist: POLICE_OPERATIONS,
  immigration: ['welfare_visit', 'immigration_enforcement', 'labour_inspection', 'premises_visit'],
};

const PLANNER_NAMES: Readonly<Record<PlannerKind, string>> = {
  police_borough: 'A police organisation',
  police_specialist: 'A police organisation',
  immigration: 'An immigration organisation',
};

function isPlannerKind(kind: OrganisationKind): kind is PlannerKind {
  return (PLANNER_KINDS as readonly OrganisationKind[]).includes(kind);
}

/** Why this kind of organisation may not plan this kind of operation, or `undefined` if it may. */
export function planningRefusal(
  organisationKind: OrganisationKind,
  kind: OperationKind,
): string | undefined {
  if (!isPlannerKind(organisationKind)) {
    return 'Only police and immigration organisations plan operations.';
  }
  const allowed = PLANNABLE_OPERATIONS[organisationKind];
  if (allowed.includes(kind)) return undefined;
  return `${PLANNER_NAMES[organisationKind]} may not plan a ${kind}; it may plan ${allowed.join(', ')}.`;
}

/** The longest an operation may be planned to last. */
export const MAX_OPERATION_MS = 7 * 24 * 3_600_000;

export const DEFAULT_TIME_ZONE = 'Europe/London';

export type OperationState = 'planned' | 'cancelled' | 'outcome_recorded';

/** What the planner says the operation is; updates change it, one revision at a time. */
export interface OperationPlan {
  kind: OperationKind;
  premisesKind: PremisesKind;
  /** The postcode in its canonical form (`SW1A 1AA`). */
  address: Address;
  borough: string;
  plannedStart: Date;
  plannedEnd: Date;
  /** IANA zone, canonical spelling: for display only, the instants carry their offset. */
  timeZone: string;
  expectedPeople: ExpectedPeople;
  /** The planner's flag, or'd with expected children (a child expected is a child likely). */
  childrenLikely: boolean;
  expectedLanguages: string[];
  exploitationTypes: ExploitationType[];
  vulnerablePeopleLikely: boolean;
  leadContact: LeadContact;
}

export interface Operation extends OperationPlan {
  id: string;
  plannedBy: OrganisationRef;
  plannedAt: Date;
  state: OperationState;
  /** 1 when planned, one more per update. */
  revision: number;
}

/** Which of the planned start and end the caller set, and so must be in the future. */
export interface TimesSet {
  start: boolean;
  end: boolean;
}

/**
 * What is wrong with a plan, new or merged with an update. A time must be in the future only
 * when the caller sets it: an operation under way may still be extended or moved.
 */
export function planIssues(plan: OperationPlan, now: Date, set: TimesSet): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const start = plan.plannedStart.getTime();
  const end = plan.plannedEnd.getTime();
  if (set.start && start <= now.getTime()) {
    issues.push({ pointer: '/plannedStart', message: 'must be in the future' });
  }
  if (end <= start) {
    issues.push({ pointer: '/plannedEnd', message: 'must be after plannedStart' });
  } else if (end - start > MAX_OPERATION_MS) {
    issues.push({ pointer: '/plannedEnd', message: 'must be at most 7 days after plannedStart' });
  } else if (set.end && end <= now.getTime()) {
    issues.push({ pointer: '/plannedEnd', message: 'must be in the future' });
  }
  if (isLondonPostcode(plan.address.postcode) !== true) {
    issues.push({ pointer: '/address/postcode', message: 'must be a London postcode' });
  }
  if (!isLondonGss(plan.borough)) {
    issues.push({
      pointer: '/borough',
      message: 'must be the GSS code of a London borough (E09000001 to E09000033)',
    });
  }
  const { total, women = 0, men = 0, children = 0 } = plan.expectedPeople;
  if (women + men + children > total) {
    issues.push({
      pointer: '/expectedPeople',
      message: `women + men + children (${women + men + children}) must not exceed total (${total})`,
    });
  }
  return issues;
}

/** The address with its postcode in canonical form, when it is one. */
export function withCanonicalPostcode(address: Address): Address {
  return { ...address, postcode: normalisePostcode(address.postcode) ?? address.postcode };
}

export function childrenLikely(stated: boolean, expectedPeople: ExpectedPeople): boolean {
  return stated || (expectedPeople.children ?? 0) > 0;
}

/** A new plan, checked: the fields are the body's, the time zone defaults to London's. */
export function planOperation(
  id: string,
  body: OperationPlanBody,
  plannedBy: OrganisationRef,
  now: Date,
): Ruling<Operation> {
  const timeZone = canonicalTimeZone(body.timeZone ?? DEFAULT_TIME_ZONE);
  const plan: OperationPlan = {
    kind: body.kind,
    premisesKind: body.premisesKind,
    address: withCanonicalPostcode(body.address),
    borough: body.borough,
    plannedStart: new Date(body.plannedStart),
    plannedEnd: new Date(body.plannedEnd),
    timeZone: timeZone ?? DEFAULT_TIME_ZONE,
    expectedPeople: body.expectedPeople,
    childrenLikely: childrenLikely(body.childrenLikely === true, body.expectedPeople),
    expectedLanguages: body.expectedLanguages ?? [],
    exploitationTypes: body.exploitationTypes,
    vulnerablePeopleLikely: body.vulnerablePeopleLikely,
    leadContact: body.leadContact,
  };
  const issues = planIssues(plan, now, { start: true, end: true });
  if (timeZone === undefined) {
    issues.push({ pointer: '/timeZone', message: 'must be an IANA time zone, e.g. Europe/London' });
  }
  if (issues.length > 0) return { kind: 'invalid', issues };
  return accepted({ ...plan, id, plannedBy, plannedAt: now, state: 'planned', revision: 1 });
}

/**
 * The operation as its events carry it: notice-level fields, and the address, exact times and
 * lead contact apart under `operational` (released later, to vetted recipients only).
 */
export function operationDetails(plan: OperationPlan): OperationDetails {
  return {
    kind: plan.kind,
    borough: plan.borough,
    premisesKind: plan.premisesKind,
    startWindow: startWindow(plan.plannedStart, plan.plannedEnd),
    exploitationTypes: plan.exploitationTypes,
    vulnerablePeopleLikely: plan.vulnerablePeopleLikely,
    childrenLikely: plan.childrenLikely,
    expectedPeople: plan.expectedPeople,
    expectedLanguages: plan.expectedLanguages,
    operational: {
      address: plan.address,
      startsAt: plan.plannedStart.toISOString(),
      endsAt: plan.plannedEnd.toISOString(),
      timeZone: plan.timeZone,
      leadContact: plan.leadContact,
    },
  };
}
