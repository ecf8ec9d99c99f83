import type { OperationOutcome, OperationOutcomeBody } from '@harbour/contracts';
import { accepted, conflict, type FieldIssue, type Ruling } from './field-issue';
import type { OperationState } from './operation';

/** What cancelling and recording an outcome need to know about an operation. */
export interface OperationTimes {
  state: OperationState;
  plannedStart: Date;
}

/**
 * An operation may be called off only before its planned start: after it, something happened
 * and partners need the outcome, not a cancellation.
 */
export function cancelOperation(operation: OperationTimes, now: Date): Ruling<{ at: Date }> {
  if (operation.state === 'cancelled') return conflict('The operation is already cancelled.');
  if (operation.state === 'outcome_recorded') {
    return conflict('The outcome of the operation is recorded; it cannot be cancelled.');
  }
  if (now.getTime() >= operation.plannedStart.getTime()) {
    return conflict(
      `The operation cannot be cancelled after its planned start (${operation.plannedStart.toISOString()}); record its outcome instead.`,
    );
  }
  return accepted({ at: now });
}

/** Counts that are a subset of the people encountered. */
const WITHIN_PEOPLE_ENCOUNTERED = [
  'potentialVictimsIdentified',
  'nrmReferralsMade',
  'childrenIdentified',
] as const;

/** An accepted outcome: what is shared (redacted) and what stays with the planner. */
export interface RecordedOutcome {
  outcome: OperationOutcome;
  restrictedNotes?: string;
}

/**
 * Records what an operation found, once, from its planned start on. The welfare summary is
 * shared with NGOs, so `redactSummary` takes contact details and postcodes out of it before it
 * is stored or sent; restricted notes are kept apart, for the planner only.
 */
export function recordOutcome(
  operation: OperationTimes,
  body: OperationOutcomeBody,
  now: Date,
  redactSummary: (text: string) => string,
): Ruling<RecordedOutcome> {
  const issues: FieldIssue[] = WITHIN_PEOPLE_ENCOUNTERED.flatMap((field) => {
    const count = body[field];
    return count !== undefined && count > body.peopleEncountered
      ? [
          {
            pointer: `/${field}`,
            message: `must not exceed peopleEncountered (${body.peopleEncountered})`,
          },
        ]
      : [];
  });
  if (issues.length > 0) return { kind: 'invalid', issues };

  if (operation.state === 'cancelled') {
    return conflict('The operation is cancelled; it has no outcome to record.');
  }
  if (operation.state === 'outcome_recorded') {
    return conflict('The outcome of the operation is already recorded.');
  }
  if (now.getTime() < operation.plannedStart.getTime()) {
    return conflict(
      `The outcome cannot be recorded before the planned start (${operation.plannedStart.toISOString()}).`,
    );
  }

  const { restrictedNotes, welfareFindings, ...counts } = body;
  const findings =
    welfareFindings?.summary !== undefined
      ? { ...welfareFindings, summary: redactSummary(welfareFindings.summary) }
      : welfareFindings;
  return accepted({
    outcome: { ...counts, ...(findings !== undefined ? { welfareFindings: findings } : {}) },
    ...(restrictedNotes !== undefined ? { restrictedNotes } : {}),
  });
}
