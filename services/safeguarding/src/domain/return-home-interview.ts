import { formatLondonTime } from '@harbour/london';
import type { AlertDecision } from './alert-decision';

/** The return home interview is due this long after a child is found (statutory guidance). */
export const RETURN_HOME_INTERVIEW_HOURS = 72;
/** After the local authority's own reminder, the coordinator is told this many minutes later. */
export const RETURN_HOME_INTERVIEW_COORDINATOR_AFTER_MINUTES = 240;
const MAX_ACKNOWLEDGE_MINUTES = 10_080;

/** Why the episode's alerts close when the person is found (no personal data: shown to every recipient). */
export function foundCancellationReason(foundAt: string, boroughName?: string): string {
  const where = boroughName === undefined ? '' : ` in ${boroughName}`;
  return `Found ${formatLondonTime(foundAt)}${where}; this alert is closed. No further action is needed on it.`;
}

/** Why the return home interview reminder stops. */
export function returnInterviewCancellationReason(outcome: 'completed' | 'declined'): string {
  return `Return home interview recorded as ${outcome}; reminder stopped`;
}

/** When the interview is due when the found event did not say: foundAt + 72 hours. */
export function returnHomeInterviewDueBy(foundAt: string): string {
  return new Date(
    new Date(foundAt).getTime() + RETURN_HOME_INTERVIEW_HOURS * 3_600_000,
  ).toISOString();
}

/** Whole minutes from `now` until `dueBy`, at least 1 (and within what an alert may ask). */
export function minutesUntil(dueBy: string, now: Date): number {
  const minutes = Math.floor((new Date(dueBy).getTime() - now.getTime()) / 60_000);
  return Math.min(MAX_ACKNOWLEDGE_MINUTES, Math.max(1, minutes));
}

export interface FoundChild {
  episodeId: string;
  borough: string;
  boroughName: string;
  foundAt: string;
  returnHomeInterviewDueBy: string;
}

/**
 * The return home interview reminder to the child's local authority. Acknowledging it means the
 * interview was done: its window ends when the interview is due, then the local authority is
 * reminded again, and 4 hours later the coordinator (pan-London); the sequence runs twice.
 * Recording the interview cancels it.
 */
export function returnHomeInterviewAlert(child: FoundChild, now: Date): AlertDecision {
  const minutes = minutesUntil(child.returnHomeInterviewDueBy, now);
  return {
    severity: 'high',
    acknowledgeWithinMinutes: minutes,
    audience: { roles: ['local_authority'], boroughs: [child.borough], ageGroup: 'child' },
    disclosure: 'operational',
    title: `Return home interview due — ${child.boroughName}`,
    lines: [
      { label: 'Due by', value: formatLondonTime(child.returnHomeInterviewDueBy) },
      { label: 'Found at', value: formatLondonTime(child.foundAt) },
      { label: 'Episode reference', value: child.episodeId },
      { label: 'What to do', value: 'Acknowledge this alert when the interview is done' },
    ],
    rule: 'return-home-interview-after-missing-child-found',
    escalationPolicy: {
      levels: [
        { afterMinutes: minutes, roles: ['local_authority'] },
        {
          afterMinutes: RETURN_HOME_INTERVIEW_COORDINATOR_AFTER_MINUTES,
          roles: ['coordinator'],
          boroughs: ['pan_london'],
        },
      ],
      repeat: 1,
    },
  };
}
