import type { BedUrgency } from '@harbour/contracts';
import { holdExpiresAt, matchingWindowPassed, secondsLeft } from './offer-hold';

const minutes = { tonight: 30, within_days: 240, planned: 1440 };
const now = new Date('2026-11-28T20:00:00Z');
const urgency = (kind: BedUrgency['kind'], matchBy: string): BedUrgency => ({
  kind,
  neededBy: now.toISOString(),
  matchBy,
});

describe('offer holds', () => {
  it('hold for the urgency kind', () => {
    expect(holdExpiresAt(urgency('tonight', '2026-11-29T02:00:00Z'), now, minutes)).toEqual(
      new Date('2026-11-28T20:30:00Z'),
    );
    expect(holdExpiresAt(urgency('within_days', '2026-12-02T00:00:00Z'), now, minutes)).toEqual(
      new Date('2026-11-29T00:00:00Z'),
    );
    expect(holdExpiresAt(urgency('planned', '2026-12-10T00:00:00Z'), now, minutes)).toEqual(
      new Date('2026-11-29T20:00:00Z'),
    );
  });

  it('never beyond matchBy: nobody may still hold a bed once the request is unmatched', () => {
    expect(holdExpiresAt(urgency('planned', '2026-11-28T21:00:00Z'), now, minutes)).toEqual(
      new Date('2026-11-28T21:00:00Z'),
    );
  });

  it('fractions of a minute (short holds for demos and tests)', () => {
    const short = { ...minutes, tonight: 0.05 };
    expect(holdExpiresAt(urgency('tonight', '2026-11-29T00:00:00Z'), now, short)).toEqual(
      new Date('2026-11-28T20:00:03Z'),
    );
  });

  it('seconds left, never negative; the window passes at matchBy', () => {
    expect(secondsLeft(new Date('2026-11-28T20:01:30.900Z'), now)).toBe(90);
    expect(secondsLeft(new Date('2026-11-28T19:00:00Z'), now)).toBe(0);
    expect(matchingWindowPassed(now, now)).toBe(true);
    expect(matchingWindowPassed(new Date(now.getTime() + 1), now)).toBe(false);
  });
});
