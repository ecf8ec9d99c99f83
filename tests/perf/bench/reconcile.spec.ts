import { reconcile } from './reconcile';

describe('reconcile: expected recipients per event against what arrived', () => {
  const expected = new Map<string, readonly string[]>([
    ['e1', ['mpu@camden', 'la@camden', '/hooks/mpu']],
    // An alert and its follow-up to the same partner: two deliveries, both expected.
    ['e2', ['police@camden', 'police@camden']],
  ]);

  it('counts everything delivered when every expected delivery arrived exactly once', () => {
    const arrivals = [
      { eventId: 'e1', recipient: '/hooks/mpu' },
      { eventId: 'e1', recipient: 'la@camden' },
      { eventId: 'e1', recipient: 'mpu@camden' },
      { eventId: 'e2', recipient: 'police@camden' },
      { eventId: 'e2', recipient: 'police@camden' },
    ];
    expect(reconcile(expected, arrivals)).toEqual({
      expected: 5,
      delivered: 5,
      lost: 0,
      duplicated: 0,
      unexpected: 0,
      completeEvents: 2,
    });
  });

  it('counts a missing arrival as lost and an extra one as duplicated, per recipient', () => {
    const arrivals = [
      { eventId: 'e1', recipient: 'mpu@camden' },
      { eventId: 'e1', recipient: 'mpu@camden' },
      { eventId: 'e1', recipient: '/hooks/mpu' },
      // e2 expected police twice: once is one lost, even though the recipient was reached.
      { eventId: 'e2', recipient: 'police@camden' },
    ];
    expect(reconcile(expected, arrivals)).toEqual({
      expected: 5,
      delivered: 3,
      lost: 2,
      duplicated: 1,
      unexpected: 0,
      completeEvents: 0,
    });
  });

  it('keeps arrivals for a recipient or an event nobody expected apart from duplicates', () => {
    const arrivals = [
      { eventId: 'e1', recipient: 'mpu@camden' },
      { eventId: 'e1', recipient: 'la@camden' },
      { eventId: 'e1', recipient: '/hooks/mpu' },
      { eventId: 'e1', recipient: 'ngo@islington' },
      { eventId: 'e2', recipient: 'police@camden' },
      { eventId: 'e2', recipient: 'police@camden' },
      { eventId: 'e9', recipient: 'police@camden' },
    ];
    const result = reconcile(expected, arrivals);
    expect(result).toMatchObject({ lost: 0, duplicated: 0, unexpected: 2, completeEvents: 2 });
  });

  it('loses every delivery of an event that produced nothing', () => {
    expect(reconcile(expected, [])).toMatchObject({ expected: 5, delivered: 0, lost: 5 });
  });
});
