import { ageInYearsOn } from './age';

describe('age on a date', () => {
  it.each([
    ['the day before the 18th birthday', '2008-11-29', '2026-11-28', 17],
    ['the 18th birthday', '2008-11-28', '2026-11-28', 18],
    ['born on 29 February, on 28 February', '2008-02-29', '2026-02-28', 17],
    ['born on 29 February, on 1 March', '2008-02-29', '2026-03-01', 18],
    ['born today', '2026-11-28', '2026-11-28', 0],
  ])('%s', (_case, dateOfBirth, on, expected) => {
    expect(ageInYearsOn(dateOfBirth, on)).toBe(expected);
  });
});
