/**
 * Where an alert stands:
 * - `open`: nobody has acknowledged it yet; it escalates;
 * - `acknowledged`: a person acknowledged it; escalation stopped, partners still act on it;
 * - `superseded`: a newer alert about the same cause replaced it (a risk regrade); it no longer
 *   escalates, takes no acknowledgement and no follow-up;
 * - `closed`: it needs no action any more (the person was found, the operation cancelled). Final.
 */
export const ALERT_STATES = ['open', 'acknowledged', 'superseded', 'closed'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

/** Whether partners still act on the alert: it takes acknowledgements and follow-up stages. */
export function isLive(state: AlertState): boolean {
  switch (state) {
    case 'open':
    case 'acknowledged':
      return true;
    case 'superseded':
    case 'closed':
      return false;
  }
}

/** Whether a cancellation closes the alert now: every state but `closed` may be closed, once. */
export function mayClose(state: AlertState): boolean {
  return state !== 'closed';
}

/** Whether a newer alert may supersede this one: only while partners still act on it. */
export function maySupersede(state: AlertState): boolean {
  return isLive(state);
}
