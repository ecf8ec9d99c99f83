/**
 * The London map's layers and their shading (pure: no DOM, no map shapes; tested in Node).
 * Each layer is one figure per borough; the bands are worked out from the figures shown, so
 * a quiet month and a busy year both spread over the four shades, and each band has its own
 * hatching and a label saying its range, so no band is told apart by colour alone.
 */

export const LAYERS = [
  { id: 'openAlerts', label: 'Open alerts', one: 'open alert', many: 'open alerts' },
  { id: 'operations', label: 'Operations', one: 'operation', many: 'operations' },
  {
    id: 'missingChildren',
    label: 'Missing children',
    one: 'missing child episode',
    many: 'missing child episodes',
  },
  { id: 'referrals', label: 'Referrals', one: 'referral', many: 'referrals' },
] as const;
export type LayerId = (typeof LAYERS)[number]['id'];
export type Layer = (typeof LAYERS)[number];

/** A borough's figures for every layer over the period (nulls: that service did not answer). */
export interface BoroughFigures {
  gss: string;
  name: string;
  /** Alerts requested in the period that are still live. */
  openAlerts: number | null;
  /** Alerts requested in the period. */
  alerts: number | null;
  /** Operations planned to start in the period, cancelled ones left out. */
  operations: number | null;
  /** Children's missing episodes reported in the period. */
  missingChildren: number | null;
  /** Of those, the children not yet found. */
  missingChildrenStillMissing: number | null;
  /** NRM referrals and Duty to Notify reports submitted in the period. */
  referrals: number | null;
}

export interface Band {
  /** 0 (none) to 3 (the most). */
  shade: 0 | 1 | 2 | 3;
  min: number;
  /** Infinity for the top band. */
  max: number;
  /** `None`, `1`, `2 to 4`, `5 or more`. */
  label: string;
}

/** The bands while no borough has more than 4: 0, 1, 2 to 4, 5 or more. */
export const SMALL_BANDS: readonly Band[] = [
  band(0, 0, 0),
  band(1, 1, 1),
  band(2, 2, 4),
  band(3, 5, Infinity),
];

function band(shade: Band['shade'], min: number, max: number): Band {
  const label =
    max === 0
      ? 'None'
      : max === Infinity
        ? `${min} or more`
        : min === max
          ? String(min)
          : `${min} to ${max}`;
  return { shade, min, max, label };
}

/**
 * The bands for these figures: none, then the range up to the largest cut in three equal
 * steps (`1 to 4`, `5 to 8`, `9 or more` for a largest of 12); while the largest is 4 or less,
 * the fixed {@link SMALL_BANDS}. Unknown figures (null) are left out.
 */
export function bandsFor(values: readonly (number | null)[]): readonly Band[] {
  const top = Math.max(0, ...values.filter((v): v is number => v !== null));
  if (top <= 4) return SMALL_BANDS;
  const step = Math.ceil(top / 3);
  return [
    band(0, 0, 0),
    band(1, 1, step),
    band(2, step + 1, 2 * step),
    band(3, 2 * step + 1, Infinity),
  ];
}

/** The band a figure falls in (0 for an unknown figure). */
export function bandOf(value: number | null, bands: readonly Band[]): Band {
  const found = bands.find((b) => value !== null && value >= b.min && value <= b.max);
  return found ?? bands[0] ?? band(0, 0, 0);
}

/** `3 operations`, `1 referral`, `unknown` when the figure could not be loaded. */
export function figureInWords(value: number | null, layer: Layer): string {
  if (value === null) return `${layer.label.toLowerCase()} not available`;
  return `${value} ${value === 1 ? layer.one : layer.many}`;
}

/** Preset periods, each ending now. */
export const PRESETS = [
  { id: '1', days: 1, label: 'Last 24 hours' },
  { id: '7', days: 7, label: 'Last 7 days' },
  { id: '30', days: 30, label: 'Last 30 days' },
  { id: '90', days: 90, label: 'Last 90 days' },
  { id: '365', days: 365, label: 'Last 12 months' },
] as const;

/** The APIs refuse periods longer than this. */
export const MAX_PERIOD_DAYS = 366;
const DAY_MS = 24 * 60 * 60 * 1000;

export function presetPeriod(days: number, now: Date): { from: Date; to: Date } {
  return { from: new Date(now.getTime() - days * DAY_MS), to: now };
}

/**
 * The instant a London calendar day (`YYYY-MM-DD`) starts, in GMT or BST as that day has it;
 * null for a string that is not a date.
 */
export function londonMidnight(day: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (match === null) return null;
  const utc = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  const check = new Date(utc);
  if (check.getUTCDate() !== Number(match[3])) return null;
  // London is UTC or UTC+1: midnight there is at 00:00 or 23:00 UTC the evening before.
  for (const candidate of [utc - 60 * 60 * 1000, utc]) {
    if (londonDayAndHour(new Date(candidate)) === `${day} 00`) return new Date(candidate);
  }
  return new Date(utc);
}

const LONDON_PARTS = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  hourCycle: 'h23',
});

function londonDayAndHour(instant: Date): string {
  const parts = Object.fromEntries(
    LONDON_PARTS.formatToParts(instant).map((p) => [p.type, p.value]),
  );
  return `${parts['year']}-${parts['month']}-${parts['day']} ${parts['hour']}`;
}

/** The London calendar day of an instant, `YYYY-MM-DD`. */
export function londonDay(instant: Date): string {
  return londonDayAndHour(instant).slice(0, 10);
}

/**
 * A period of whole London days, `first` to `last` inclusive, or what is wrong with it: the
 * same limits the APIs apply, said before asking them.
 */
export function dayPeriod(
  first: string,
  last: string,
): { from: Date; to: Date } | { problem: string } {
  const from = londonMidnight(first);
  const lastStart = londonMidnight(last);
  if (from === null) return { problem: 'Enter the first day as a date.' };
  if (lastStart === null) return { problem: 'Enter the last day as a date.' };
  // The day after the last one, at London midnight (23, 24 or 25 hours later).
  const to = londonMidnight(londonDay(new Date(lastStart.getTime() + 26 * 60 * 60 * 1000)));
  if (to === null || lastStart < from) {
    return { problem: 'The last day must be on or after the first day.' };
  }
  if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * DAY_MS) {
    return { problem: `Choose a period of at most ${MAX_PERIOD_DAYS} days.` };
  }
  return { from, to };
}
