import type {
  Address,
  ExpectedPeople,
  LeadContact,
  OperationUpdateBody,
  OperationUpdated,
} from '@harbour/contracts';
import { accepted, conflict, type Ruling } from './field-issue';
import {
  childrenLikely,
  type Operation,
  type OperationPlan,
  planIssues,
  withCanonicalPostcode,
} from './operation';

/** What an update changed, for recipients already told (names no personal data). */
export type OperationChange = OperationUpdated['changes'][number];

/** An accepted update: the whole new plan and what differs from the old one. */
export interface OperationRevision {
  plan: OperationPlan;
  revision: number;
  changes: OperationChange[];
}

/** An update that would change nothing is refused as such (422), not recorded as a revision. */
export type RevisionRuling = Ruling<OperationRevision> | { kind: 'unchanged' };

const sameAddress = (a: Address, b: Address): boolean =>
  a.line1 === b.line1 && (a.line2 ?? '') === (b.line2 ?? '') && a.postcode === b.postcode;

const samePeople = (a: ExpectedPeople, b: ExpectedPeople): boolean =>
  a.total === b.total && a.women === b.women && a.men === b.men && a.children === b.children;

const sameContact = (a: LeadContact, b: LeadContact): boolean =>
  a.name === b.name && a.phone === b.phone && a.email === b.email;

const sameSet = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((item) => b.includes(item));

/** What differs between two plans, in a fixed order; instants compare as instants. */
export function changesBetween(before: OperationPlan, after: OperationPlan): OperationChange[] {
  const differs: [OperationChange, boolean][] = [
    [
      'rescheduled',
      before.plannedStart.getTime() !== after.plannedStart.getTime() ||
        before.plannedEnd.getTime() !== after.plannedEnd.getTime(),
    ],
    ['address', !sameAddress(before.address, after.address)],
    ['borough', before.borough !== after.borough],
    ['expected_people', !samePeople(before.expectedPeople, after.expectedPeople)],
    ['children_likely', before.childrenLikely !== after.childrenLikely],
    ['languages', !sameSet(before.expectedLanguages, after.expectedLanguages)],
    ['exploitation_types', !sameSet(before.exploitationTypes, after.exploitationTypes)],
    ['vulnerable_people_likely', before.vulnerablePeopleLikely !== after.vulnerablePeopleLikely],
    ['premises_kind', before.premisesKind !== after.premisesKind],
    ['lead_contact', !sameContact(before.leadContact, after.leadContact)],
  ];
  return differs.filter(([, changed]) => changed).map(([change]) => change);
}

/** The plan with the update's fields laid over it; children likely stays or'd with children. */
export function mergeUpdate(plan: OperationPlan, body: OperationUpdateBody): OperationPlan {
  const expectedPeople = body.expectedPeople ?? plan.expectedPeople;
  return {
    ...plan,
    ...(body.plannedStart !== undefined ? { plannedStart: new Date(body.plannedStart) } : {}),
    ...(body.plannedEnd !== undefined ? { plannedEnd: new Date(body.plannedEnd) } : {}),
    ...(body.address !== undefined ? { address: withCanonicalPostcode(body.address) } : {}),
    ...(body.borough !== undefined ? { borough: body.borough } : {}),
    ...(body.premisesKind !== undefined ? { premisesKind: body.premisesKind } : {}),
    expectedPeople,
    childrenLikely: childrenLikely(body.childrenLikely ?? plan.childrenLikely, expectedPeople),
    ...(body.expectedLanguages !== undefined ? { expectedLanguages: body.expectedLanguages } : {}),
    ...(body.exploitationTypes !== undefined ? { exploitationTypes: body.exploitationTypes } : {}),
    ...(body.vulnerablePeopleLikely !== undefined
      ? { vulnerablePeopleLikely: body.vulnerablePeopleLikely }
      : {}),
    ...(body.leadContact !== undefined ? { leadContact: body.leadContact } : {}),
  };
}

/**
 * Updates a planned operation: only while it is planned and has not ended (409 otherwise). The
 * merged plan passes the same checks as a new one, a start or end the update moves having to
 * be in the future; an update that changes nothing is `unchanged`.
 */
export function reviseOperation(
  operation: Operation,
  body: OperationUpdateBody,
  now: Date,
): RevisionRuling {
  if (operation.state === 'cancelled') {
    return conflict('The operation is cancelled; it cannot be updated.');
  }
  if (operation.state === 'outcome_recorded') {
    return conflict('The outcome of the operation is recorded; it cannot be updated.');
  }
  if (now.getTime() >= operation.plannedEnd.getTime()) {
    return conflict(
      `The operation's planned end (${operation.plannedEnd.toISOString()}) has passed; it cannot be updated.`,
    );
  }
  const plan = mergeUpdate(operation, body);
  const changes = changesBetween(operation, plan);
  const issues = planIssues(plan, now, {
    start: plan.plannedStart.getTime() !== operation.plannedStart.getTime(),
    end: plan.plannedEnd.getTime() !== operation.plannedEnd.getTime(),
  });
  if (issues.length > 0) return { kind: 'invalid', issues };
  if (changes.length === 0) return { kind: 'unchanged' };
  return accepted({ plan, revision: operation.revision + 1, changes });
}
