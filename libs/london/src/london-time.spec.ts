import { formatLondonTime } from './london-time';

describe('London time', () => {
  it('names GMT in winter and BST in summer, on a 24-hour clock', () => {
    expect(formatLondonTime('2026-01-15T00:30:00Z')).toBe('Thu, 15 Jan 2026, 00:30 GMT');
    expect(formatLondonTime(new Date('2026-07-01T23:30:00Z'))).toBe('Thu, 2 Jul 2026, 00:30 BST');
  });
  it('converts offsets given in other zones', () => {
    expect(formatLondonTime('2026-11-28T10:00:00+01:00')).toBe('Sat, 28 Nov 2026, 09:00 GMT');
  });
});
