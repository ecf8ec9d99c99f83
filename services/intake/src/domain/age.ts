/**
 * Whole years from a date of birth to a date (both `YYYY-MM-DD`): the age on that day. Someone
 * born on 29 February turns a year older on 1 March in other years.
 */
export function ageInYearsOn(dateOfBirth: string, on: string): number {
  const years = Number(on.slice(0, 4)) - Number(dateOfBirth.slice(0, 4));
  return on.slice(5) < dateOfBirth.slice(5) ? years - 1 : years;
}

/** Under 18: the age at which the NRM and children's services treat a person as a child. */
export const ADULT_AGE_YEARS = 18;
