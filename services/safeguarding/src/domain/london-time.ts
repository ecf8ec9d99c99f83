const LONDON = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'short',
});

/** Times are shown to partners in London time (GMT/BST), whatever zone they were sent in. */
export function formatLondonTime(iso: string | Date): string {
  return LONDON.format(typeof iso === 'string' ? new Date(iso) : iso);
}
