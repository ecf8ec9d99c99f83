import type { BedUrgency } from '@harbour/contracts';

/** Minutes a bed is held for the provider to answer, by the request's urgency. */
export type HoldMinutes = Readonly<Record<BedUrgency['kind'], number>>;

/**
 * When an offer's hold ends: `now` plus the urgency's hold, but never after the request's
 * `matchBy` — past that the request is unmatched and the coordinator acts, so no provider may
 * still be holding a bed for it.
 */
export function holdExpiresAt(urgency: BedUrgency, now: Date, minutes: HoldMinutes): Date {
  const held = now.getTime() + Math.round(minutes[urgency.kind] * 60_000);
  return new Date(Math.min(held, Date.parse(urgency.matchBy)));
}

/** Whole seconds until the hold ends (0 once it has). */
export function secondsLeft(holdExpiresAt: Date, now: Date): number {
  return Math.max(0, Math.floor((holdExpiresAt.getTime() - now.getTime()) / 1000));
}

/** The matching window is over: no new offer may be made, open ones end. */
export function matchingWindowPassed(matchBy: Date, now: Date): boolean {
  return now.getTime() >= matchBy.getTime();
}
