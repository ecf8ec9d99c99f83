import {
  addCalendarDays,
  addWorkingDays,
  calendarDaysBetween,
  easterSunday,
  englandAndWalesBankHolidays,
  isEnglandAndWalesBankHoliday,
  isWorkingDay,
  londonDateOf,
} from './working-days';

describe('England and Wales bank holidays', () => {
  // The lists published on gov.uk/bank-holidays.
  it.each([
    [
      2026,
      [
        '2026-01-01',
        '2026-04-03',
        '2026-04-06',
        '2026-05-04',
        '2026-05-25',
        '2026-08-31',
        '2026-12-25',
        '2026-12-28',
      ],
    ],
    [
      2027,
      [
        '2027-01-01',
        '2027-03-26',
        '2027-03-29',
        '2027-05-03',
        '2027-05-31',
        '2027-08-30',
        '2027-12-27',
        '2027-12-28',
      ],
    ],
    [
      2028,
      [
        '2028-01-03',
        '2028-04-14',
        '2028-04-17',
        '2028-05-01',
        '2028-05-29',
        '2028-08-28',
        '2028-12-25',
        '2028-12-26',
      ],
    ],
    [
      2024,
      [
        '2024-01-01',
        '2024-03-29',
        '2024-04-01',
        '2024-05-06',
        '2024-05-27',
        '2024-08-26',
        '2024-12-25',
        '2024-12-26',
      ],
    ],
    [
      2025,
      [
        '2025-01-01',
        '2025-04-18',
        '2025-04-21',
        '2025-05-05',
        '2025-05-26',
        '2025-08-25',
        '2025-12-25',
        '2025-12-26',
      ],
    ],
  ])('%i', (year, expected) => {
    expect(englandAndWalesBankHolidays(year)).toEqual(expected);
  });

  it.each([
    ['2020: early May moved to VE Day', 2020, ['2020-05-08'], ['2020-05-04']],
    [
      '2022: spring moved, Platinum Jubilee, state funeral',
      2022,
      ['2022-06-02', '2022-06-03', '2022-09-19'],
      ['2022-05-30'],
    ],
    ['2023: coronation added', 2023, ['2023-05-08', '2023-05-01', '2023-05-29'], []],
    // Christmas on Sunday: Boxing Day is Monday, Christmas moves to Tuesday.
    ['2022: Christmas on a Sunday', 2022, ['2022-12-26', '2022-12-27'], ['2022-12-25']],
  ])('%s', (_case, year, included, excluded) => {
    const holidays = englandAndWalesBankHolidays(year);
    for (const date of included) expect(holidays).toContain(date);
    for (const date of excluded) expect(holidays).not.toContain(date);
  });

  it.each([
    [2024, '2024-03-31'],
    [2025, '2025-04-20'],
    [2026, '2026-04-05'],
    [2038, '2038-04-25'],
    [2285, '2285-03-22'],
  ])('Easter Sunday %i is %s', (year, expected) => {
    expect(easterSunday(year)).toBe(expected);
  });
});

describe('working days', () => {
  it.each([
    ['a Wednesday', '2026-11-25', true],
    ['a Saturday', '2026-11-28', false],
    ['a Sunday', '2026-11-29', false],
    ['Good Friday', '2026-04-03', false],
    ['a substitute Boxing Day', '2026-12-28', false],
  ])('%s (%s) → %s', (_case, date, expected) => {
    expect(isWorkingDay(date)).toBe(expected);
  });

  it.each([
    ['zero days', '2026-11-28', 0, '2026-11-28'],
    ['Friday + 1 → Monday', '2026-11-27', 1, '2026-11-30'],
    ['Saturday + 1 → Monday', '2026-11-28', 1, '2026-11-30'],
    ['Monday + 5 → next Monday', '2026-11-30', 5, '2026-12-07'],
    ['over Easter 2026', '2026-04-02', 1, '2026-04-07'],
    ['9 over Christmas 2026', '2026-12-21', 9, '2027-01-06'],
    ['9 over Christmas 2027', '2027-12-20', 9, '2028-01-05'],
    ['5 before the 2022 jubilee weekend', '2022-05-30', 5, '2022-06-08'],
    ['backwards over a weekend', '2026-11-30', -1, '2026-11-27'],
  ])('%s: %s + %i → %s', (_case, date, n, expected) => {
    expect(addWorkingDays(date, n)).toBe(expected);
  });

  it('refuses what is not a calendar date or a whole number', () => {
    expect(() => addWorkingDays('2026-02-30', 1)).toThrow(RangeError);
    expect(() => addWorkingDays('28/11/2026', 1)).toThrow(RangeError);
    expect(() => addWorkingDays('2026-11-28', 1.5)).toThrow(RangeError);
    expect(() => isEnglandAndWalesBankHoliday('2026-13-01')).toThrow(RangeError);
  });
});

describe('calendar days and London dates', () => {
  it.each([
    ['2026-01-31', 30, '2026-03-02'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2026-03-01', -1, '2026-02-28'],
  ])('%s + %i → %s', (date, n, expected) => {
    expect(addCalendarDays(date, n)).toBe(expected);
    expect(calendarDaysBetween(date, expected)).toBe(n);
  });

  it.each([
    ['winter midnight (GMT)', '2026-01-15T23:30:00Z', '2026-01-15'],
    ['summer, after 23:00 UTC (BST)', '2026-07-01T23:30:00Z', '2026-07-02'],
    ['an offset elsewhere', '2026-11-28T00:30:00+02:00', '2026-11-27'],
  ])('%s', (_case, instant, expected) => {
    expect(londonDateOf(new Date(instant))).toBe(expected);
  });
});
