import { canonicalTimeZone, londonMidnight, startWindow } from './operation-window';

describe('London midnight', () => {
  it.each([
    ['a winter date', '2026-12-01', '2026-12-01T00:00:00+00:00'],
    ['a summer date', '2026-06-01', '2026-06-01T00:00:00+01:00'],
    // Clocks go forward at 01:00 GMT: that midnight is still GMT.
    ['the night clocks go forward', '2026-03-29', '2026-03-29T00:00:00+00:00'],
    ['the day after', '2026-03-30', '2026-03-30T00:00:00+01:00'],
    // Clocks go back at 02:00 BST: that midnight is still BST.
    ['the night clocks go back', '2026-10-25', '2026-10-25T00:00:00+01:00'],
    ['the day after', '2026-10-26', '2026-10-26T00:00:00+00:00'],
  ])('%s (%s)', (_case, date, expected) => {
    expect(londonMidnight(date)).toBe(expected);
    // The same instant as midnight in London, whatever offset it is written with.
    expect(new Date(expected).toLocaleString('en-GB', { timeZone: 'Europe/London' })).toMatch(
      /, 00:00:00$/,
    );
  });
});

describe('the start window', () => {
  it.each([
    [
      'one summer day',
      '2026-06-01T05:00:00Z',
      '2026-06-01T09:00:00Z',
      { from: '2026-06-01T00:00:00+01:00', to: '2026-06-02T00:00:00+01:00' },
    ],
    [
      // 23:30Z on 1 June is 00:30 on 2 June in London: London's date, not UTC's.
      'a start just after London midnight, before UTC midnight',
      '2026-06-01T23:30:00Z',
      '2026-06-02T03:00:00Z',
      { from: '2026-06-02T00:00:00+01:00', to: '2026-06-03T00:00:00+01:00' },
    ],
    [
      'a night raid across midnight',
      '2026-12-01T22:00:00Z',
      '2026-12-02T02:00:00Z',
      { from: '2026-12-01T00:00:00+00:00', to: '2026-12-03T00:00:00+00:00' },
    ],
    [
      'across the clocks going forward',
      '2026-03-28T22:00:00Z',
      '2026-03-29T10:00:00Z',
      { from: '2026-03-28T00:00:00+00:00', to: '2026-03-30T00:00:00+01:00' },
    ],
    [
      'across the clocks going back (starts 23:30 BST)',
      '2026-10-24T22:30:00Z',
      '2026-10-25T12:00:00Z',
      { from: '2026-10-24T00:00:00+01:00', to: '2026-10-26T00:00:00+00:00' },
    ],
  ])('%s', (_case, start, end, expected) => {
    expect(startWindow(new Date(start), new Date(end))).toEqual(expected);
  });
});

describe('time zones', () => {
  it.each([
    ['Europe/London', 'Europe/London'],
    ['europe/london', 'Europe/London'],
    ['UTC', 'UTC'],
    ['Mars/Olympus_Mons', undefined],
    ['GMT+25', undefined],
  ])('%s → %s', (name, expected) => {
    expect(canonicalTimeZone(name)).toBe(expected);
  });
});
