/**
 * Partners' clocks drift: a time up to five minutes ahead of ours is accepted as "now" rather
 * than refused as being in the future.
 */
export const CLOCK_SKEW_MS = 5 * 60_000;

export function isInTheFuture(at: Date, now: Date): boolean {
  return at.getTime() > now.getTime() + CLOCK_SKEW_MS;
}
