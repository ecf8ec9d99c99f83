/** The London map's shading and periods (pure functions of the web app, tested in Node). */
import {
  bandOf,
  bandsFor,
  dayPeriod,
  figureInWords,
  LAYERS,
  londonDay,
  londonMidnight,
  SMALL_BANDS,
} from '../../web/src/map-layers';

const shades = (values: (number | null)[]) => {
  const bands = bandsFor(values);
  return values.map((v) => bandOf(v, bands).shade);
};

describe('the map’s bands', () => {
  it('keeps 0, 1, 2 to 4 and 5 or more while no borough has more than 4', () => {
    expect(bandsFor([0, 0, 0])).toBe(SMALL_BANDS);
    expect(bandsFor([4, 1, null])).toBe(SMALL_BANDS);
    expect(SMALL_BANDS.map((b) => b.label)).toEqual(['None', '1', '2 to 4', '5 or more']);
    expect(shades([0, 1, 2, 4])).toEqual([0, 1, 2, 2]);
  });

  it('cuts larger figures into three equal steps up to the largest, every figure in one band', () => {
    const bands = bandsFor([12, 0, 3]);
    expect(bands.map((b) => b.label)).toEqual(['None', '1 to 4', '5 to 8', '9 or more']);
    expect(shades([0, 1, 4, 5, 8, 9, 12])).toEqual([0, 1, 1, 2, 2, 3, 3]);
    // Not a multiple of three: the steps round up, so the largest is always in the top band.
    expect(bandsFor([5]).map((b) => b.label)).toEqual(['None', '1 to 2', '3 to 4', '5 or more']);
    expect(bandsFor([100]).map((b) => b.label)).toEqual([
      'None',
      '1 to 34',
      '35 to 68',
      '69 or more',
    ]);
    for (const top of [5, 6, 7, 29, 30, 31, 1000]) {
      const cut = bandsFor([top, 0]);
      expect(bandOf(top, cut).shade).toBe(3);
      for (let n = 0; n <= top; n += 1) {
        expect(cut.filter((b) => n >= b.min && n <= b.max)).toHaveLength(1);
      }
    }
  });

  it('shades an unknown figure as none, and says it is not available', () => {
    expect(bandOf(null, bandsFor([3]))).toMatchObject({ shade: 0 });
    const referrals = LAYERS.find((l) => l.id === 'referrals')!;
    expect(figureInWords(null, referrals)).toBe('referrals not available');
    expect(figureInWords(1, referrals)).toBe('1 referral');
    expect(figureInWords(0, LAYERS[0])).toBe('0 open alerts');
  });
});

describe('periods of London days', () => {
  it('starts a London day at midnight GMT in winter and 23:00 UTC the evening before in summer', () => {
    expect(londonMidnight('2026-01-15')?.toISOString()).toBe('2026-01-15T00:00:00.000Z');
    expect(londonMidnight('2026-07-15')?.toISOString()).toBe('2026-07-14T23:00:00.000Z');
    // The clocks change at 01:00 UTC, after midnight: both days start as the day before did.
    expect(londonMidnight('2026-03-29')?.toISOString()).toBe('2026-03-29T00:00:00.000Z');
    expect(londonMidnight('2026-10-25')?.toISOString()).toBe('2026-10-24T23:00:00.000Z');
    expect(londonMidnight('2026-02-30')).toBeNull();
    expect(londonMidnight('yesterday')).toBeNull();
    expect(londonDay(new Date('2026-07-14T23:30:00Z'))).toBe('2026-07-15');
  });

  it('runs from the first day’s start to the start of the day after the last', () => {
    expect(dayPeriod('2026-03-28', '2026-03-29')).toEqual({
      from: new Date('2026-03-28T00:00:00.000Z'),
      to: new Date('2026-03-29T23:00:00.000Z'),
    });
    expect(dayPeriod('2026-10-25', '2026-10-25')).toEqual({
      from: new Date('2026-10-24T23:00:00.000Z'),
      to: new Date('2026-10-26T00:00:00.000Z'),
    });
  });

  it('says what is wrong with a period the APIs would refuse', () => {
    expect(dayPeriod('', '2026-01-01')).toEqual({ problem: 'Enter the first day as a date.' });
    expect(dayPeriod('2026-01-02', '2026-01-01')).toEqual({
      problem: 'The last day must be on or after the first day.',
    });
    expect('problem' in dayPeriod('2025-01-01', '2026-01-01')).toBe(false);
    expect(dayPeriod('2024-01-01', '2025-01-01')).toEqual({
      problem: 'Choose a period of at most 366 days.',
    });
  });
});
