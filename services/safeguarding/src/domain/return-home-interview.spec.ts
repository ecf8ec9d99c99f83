import {
  foundCancellationReason,
  minutesUntil,
  returnHomeInterviewAlert,
  returnHomeInterviewDueBy,
  returnInterviewCancellationReason,
} from './return-home-interview';

const FOUND_AT = '2026-07-01T08:00:00Z';

describe('the return home interview reminder', () => {
  it('is due 72 hours after the child was found', () => {
    expect(returnHomeInterviewDueBy(FOUND_AT)).toBe('2026-07-04T08:00:00.000Z');
  });

  it.each([
    // now → whole minutes until due
    ['2026-07-01T08:00:00Z', 4320],
    ['2026-07-01T08:00:59Z', 4319],
    ['2026-07-01T09:30:00Z', 4230],
    ['2026-07-04T07:59:00Z', 1],
    ['2026-07-04T07:59:30Z', 1],
    ['2026-07-05T00:00:00Z', 1],
  ])('at %s, acknowledge within %i minutes', (now, minutes) => {
    expect(minutesUntil('2026-07-04T08:00:00Z', new Date(now))).toBe(minutes);
  });

  it('goes to the local authority, high, with its explicit escalation policy', () => {
    const alert = returnHomeInterviewAlert(
      {
        episodeId: 'ep-1',
        borough: 'E09000007',
        boroughName: 'Camden',
        foundAt: FOUND_AT,
        returnHomeInterviewDueBy: '2026-07-04T08:00:00Z',
      },
      new Date('2026-07-01T08:01:00Z'),
    );
    expect(alert).toEqual({
      severity: 'high',
      acknowledgeWithinMinutes: 4319,
      audience: { roles: ['local_authority'], boroughs: ['E09000007'], ageGroup: 'child' },
      disclosure: 'operational',
      title: 'Return home interview due — Camden',
      lines: [
        { label: 'Due by', value: 'Sat, 4 Jul 2026, 09:00 BST' },
        { label: 'Found at', value: 'Wed, 1 Jul 2026, 09:00 BST' },
        { label: 'Episode reference', value: 'ep-1' },
        { label: 'What to do', value: 'Acknowledge this alert when the interview is done' },
      ],
      rule: 'return-home-interview-after-missing-child-found',
      escalationPolicy: {
        levels: [
          { afterMinutes: 4319, roles: ['local_authority'] },
          { afterMinutes: 240, roles: ['coordinator'], boroughs: ['pan_london'] },
        ],
        repeat: 1,
      },
    });
  });
});

describe('closing reasons (shown to every recipient: no personal data)', () => {
  it('found, with or without the borough', () => {
    expect(foundCancellationReason('2026-01-10T18:05:00Z', 'Hackney')).toBe(
      'Found Sat, 10 Jan 2026, 18:05 GMT in Hackney; this alert is closed. No further action is needed on it.',
    );
    expect(foundCancellationReason('2026-01-10T18:05:00Z')).toBe(
      'Found Sat, 10 Jan 2026, 18:05 GMT; this alert is closed. No further action is needed on it.',
    );
  });
  it('interview recorded', () => {
    expect(returnInterviewCancellationReason('declined')).toBe(
      'Return home interview recorded as declined; reminder stopped',
    );
  });
});
