/**
 * Calendar dates (`YYYY-MM-DD`, no time or zone) and England and Wales working days: Monday to
 * Friday except bank holidays. Deadlines that the guidance counts in working days use these.
 */

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a calendar date; a RangeError for anything but a real date. */
function dayNumber(date: string): number {
  const match = DATE_PATTERN.exec(date);
  if (match) {
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const ms = Date.UTC(year, month - 1, day);
    const back = new Date(ms);
    if (back.getUTCMonth() === month - 1 && back.getUTCDate() === day) return ms / DAY_MS;
  }
  throw new RangeError(`not a calendar date (YYYY-MM-DD): ${date}`);
}

function fromDayNumber(days: number): string {
  return new Date(days * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. */
function weekday(days: number): number {
  return new Date(days * DAY_MS).getUTCDay();
}

const LONDON_DATE = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The calendar date in London (GMT or BST) at an instant. */
export function londonDateOf(instant: Date | string): string {
  const at = typeof instant === 'string' ? new Date(instant) : instant;
  const parts = Object.fromEntries(LONDON_DATE.formatToParts(at).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** `date` moved by `days` calendar days (negative moves back). */
export function addCalendarDays(date: string, days: number): string {
  if (!Number.isInteger(days)) throw new RangeError(`not a whole number of days: ${days}`);
  return fromDayNumber(dayNumber(date) + days);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function calendarDaysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

/** Easter Sunday of a Gregorian year (the anonymous Gregorian, "Meeus/Jones/Butcher", algorithm). */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return fromDayNumber(Date.UTC(year, month - 1, day) / DAY_MS);
}

/**
 * Changes to the usual pattern made by royal proclamation: a usual holiday moved (`instead`)
 * or an extra one added. Add new ones here as they are announced.
 */
const ONE_OFF_CHANGES: readonly { date: string; instead?: string; why: string }[] = [
  { date: '2011-04-29', why: 'royal wedding' },
  { date: '2012-06-04', instead: '2012-05-28', why: 'spring bank holiday moved' },
  { date: '2012-06-05', why: 'Diamond Jubilee' },
  { date: '2020-05-08', instead: '2020-05-04', why: 'early May bank holiday moved (VE Day 75)' },
  { date: '2022-06-02', instead: '2022-05-30', why: 'spring bank holiday moved' },
  { date: '2022-06-03', why: 'Platinum Jubilee' },
  { date: '2022-09-19', why: 'state funeral of Queen Elizabeth II' },
  { date: '2023-05-08', why: 'coronation of King Charles III' },
];

function nthMondayOf(year: number, month: number, nth: 'first' | 'last'): number {
  if (nth === 'first') {
    const first = Date.UTC(year, month - 1, 1) / DAY_MS;
    return first + ((8 - weekday(first)) % 7);
  }
  const last = Date.UTC(year, month, 0) / DAY_MS;
  return last - ((weekday(last) + 6) % 7);
}

/** The England and Wales bank holidays of a year, in date order. */
export function englandAndWalesBankHolidays(year: number): string[] {
  const easter = dayNumber(easterSunday(year));
  const fixed = [
    easter - 2, // Good Friday
    easter + 1, // Easter Monday
    nthMondayOf(year, 5, 'first'),
    nthMondayOf(year, 5, 'last'),
    nthMondayOf(year, 8, 'last'),
  ];
  // New Year's Day, Christmas Day and Boxing Day falling at a weekend are replaced by the next
  // weekday that is not already a holiday (so Christmas on a Saturday gives Monday and Tuesday).
  const taken = new Set<number>(fixed);
  for (const [month, day] of [
    [1, 1],
    [12, 25],
    [12, 26],
  ] as const) {
    let candidate = Date.UTC(year, month - 1, day) / DAY_MS;
    while (weekday(candidate) === 0 || weekday(candidate) === 6 || taken.has(candidate)) {
      candidate += 1;
    }
    taken.add(candidate);
  }
  const dates = new Set([...taken].map(fromDayNumber));
  for (const change of ONE_OFF_CHANGES) {
    if (!change.date.startsWith(`${year}-`)) continue;
    if (change.instead !== undefined) dates.delete(change.instead);
    dates.add(change.date);
  }
  return [...dates].sort();
}

const holidaysByYear = new Map<number, ReadonlySet<string>>();

export function isEnglandAndWalesBankHoliday(date: string): boolean {
  dayNumber(date);
  const year = Number(date.slice(0, 4));
  let holidays = holidaysByYear.get(year);
  if (holidays === undefined) {
    holidays = new Set(englandAndWalesBankHolidays(year));
    holidaysByYear.set(year, holidays);
  }
  return holidays.has(date);
}

/** Monday to Friday and not an England and Wales bank holiday. */
export function isWorkingDay(date: string): boolean {
  const day = weekday(dayNumber(date));
  return day !== 0 && day !== 6 && !isEnglandAndWalesBankHoliday(date);
}

/**
 * The date `n` working days after `date` (before it when `n` is negative); the start date itself
 * never counts, so a Friday plus one working day is the next Monday (or Tuesday after a bank
 * holiday Monday). Zero returns `date` unchanged.
 */
export function addWorkingDays(date: string, n: number): string {
  if (!Number.isInteger(n)) throw new RangeError(`not a whole number of working days: ${n}`);
  const step = n < 0 ? -1 : 1;
  let day = dayNumber(date);
  for (let remaining = Math.abs(n); remaining > 0;) {
    day += step;
    if (isWorkingDay(fromDayNumber(day))) remaining -= 1;
  }
  return fromDayNumber(day);
}
