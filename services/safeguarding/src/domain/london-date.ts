const LONDON_DATE = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
});

const CALENDAR_DATE = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
});

const ISO_LONDON_DATE = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The London calendar day of an instant, as partners read it: `Wed, 1 Jul 2026`. */
export function formatLondonDate(at: Date | string): string {
  return LONDON_DATE.format(typeof at === 'string' ? new Date(at) : at);
}

/**
 * A calendar date (`YYYY-MM-DD`, already a London date such as a decision date or deadline) as
 * partners read it: `Mon, 14 Sep 2026`. Formatted in UTC so no zone shifts it by a day.
 */
export function formatCalendarDate(date: string): string {
  return CALENDAR_DATE.format(new Date(`${date}T00:00:00Z`));
}

/** The London calendar day of an instant as `YYYY-MM-DD`. */
export function londonDateOf(at: Date): string {
  return ISO_LONDON_DATE.format(at);
}
