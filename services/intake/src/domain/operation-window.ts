import { addCalendarDays, londonDateOf } from '@harbour/london';

const LONDON_OFFSET = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  timeZoneName: 'longOffset',
});

/** London's offset from UTC at an instant, in minutes (0 in GMT, 60 in BST). */
function londonOffsetMinutes(at: number): number {
  const name = LONDON_OFFSET.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value;
  const match = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name ?? '');
  if (!match) throw new Error(`unexpected London offset: ${name}`);
  if (match[1] === undefined) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}

function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${sign}${hh}:${mm}`;
}

/**
 * 00:00 London time on a calendar date, as an ISO 8601 string with London's offset that night
 * (`2026-06-01T00:00:00+01:00`, `2026-12-01T00:00:00+00:00`). UK clocks change at 01:00 GMT, so
 * midnight always exists and is never ambiguous.
 */
export function londonMidnight(date: string): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const utcMidnight = Date.UTC(year, month - 1, day);
  // The offset at UTC midnight can differ from the one at London midnight on a clock-change
  // day only if the change fell between them; the second look settles it.
  const guess = londonOffsetMinutes(utcMidnight);
  const offset = londonOffsetMinutes(utcMidnight - guess * 60_000);
  return `${date}T00:00:00${offsetText(offset)}`;
}

/** Notice-level window of an operation: whole London days, so the exact time is not given away. */
export interface StartWindow {
  from: string;
  to: string;
}

/**
 * From 00:00 London time on the London date of the planned start to 00:00 London time on the day
 * after the London date of the planned end.
 */
export function startWindow(plannedStart: Date, plannedEnd: Date): StartWindow {
  return {
    from: londonMidnight(londonDateOf(plannedStart)),
    to: londonMidnight(addCalendarDays(londonDateOf(plannedEnd), 1)),
  };
}

/**
 * The IANA zone in its canonical spelling (`europe/london` → `Europe/London`), or `undefined`
 * for a name the runtime does not know.
 */
export function canonicalTimeZone(name: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-GB', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}
