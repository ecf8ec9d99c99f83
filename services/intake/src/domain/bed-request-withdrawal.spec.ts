import { withdrawBedRequest } from './bed-request-withdrawal';

const NOW = new Date('2026-11-28T10:00:00Z');

describe('withdrawing a bed request', () => {
  it('is recorded at the time it is asked', () => {
    expect(withdrawBedRequest('submitted', NOW)).toEqual({
      kind: 'accepted',
      change: { at: NOW },
    });
  });

  it('is refused once withdrawn', () => {
    expect(withdrawBedRequest('withdrawn', NOW)).toEqual({
      kind: 'conflict',
      reason: 'The bed request was already withdrawn.',
    });
  });
});
