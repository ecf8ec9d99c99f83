import { type DecisionContext, decisionRefusal } from './offer-decision';

const now = new Date('2026-11-28T20:00:00Z');
const open: DecisionContext = {
  requestState: 'open',
  offerState: 'offered',
  holdExpiresAt: new Date('2026-11-28T20:10:00Z'),
  now,
  availableBeds: 1,
};

describe('answers to an offer', () => {
  it('an open offer with a bed left may be accepted or declined', () => {
    expect(decisionRefusal('accept', open)).toBeUndefined();
    expect(decisionRefusal('decline', { ...open, availableBeds: 0 })).toBeUndefined();
  });

  it('the first acceptance wins: a placed request refuses every other answer', () => {
    expect(decisionRefusal('accept', { ...open, requestState: 'placed' })).toBe(
      'The request has already been placed.',
    );
    expect(decisionRefusal('decline', { ...open, requestState: 'withdrawn' })).toBe(
      'The request is no longer open (withdrawn).',
    );
  });

  it('refuses an offer no longer open, a lapsed hold (even before the timer ran) and no bed left', () => {
    expect(decisionRefusal('accept', { ...open, offerState: 'declined' })).toBe(
      'The offer is no longer open (declined).',
    );
    expect(decisionRefusal('accept', { ...open, holdExpiresAt: now })).toBe(
      'The hold expired at 2026-11-28T20:00:00.000Z.',
    );
    expect(decisionRefusal('accept', { ...open, availableBeds: 0 })).toMatch(/^No bed is left/);
  });
});
