import type { AlertRequested } from '@harbour/contracts';

/**
 * How an alert ended, as its recipients are told:
 * - `closed`: safeguarding cancelled it (the person was found, the operation called off), with a
 *   reason written for recipients (no personal data, by contract);
 * - `superseded`: a newer alert about the same cause replaced it. Only recipients the newer alert
 *   does not reach are told; all they learn of it is its severity.
 */
export type AlertEnd =
  | { kind: 'closed'; at: Date; reason: string }
  | { kind: 'superseded'; at: Date; bySeverity: AlertRequested['severity'] };

/** The two delivery purposes that tell a recipient an alert ended, and the end each one tells. */
export const END_PURPOSES = { closure: 'closed', supersession: 'superseded' } as const;
export type EndPurpose = keyof typeof END_PURPOSES;

export function isEndPurpose(purpose: string | undefined): purpose is EndPurpose {
  return purpose === 'closure' || purpose === 'supersession';
}
