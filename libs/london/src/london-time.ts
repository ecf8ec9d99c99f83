const LONDON = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'short',
});

/** Partners read times in London time (GMT or BST, named), whatever zone an event was sent in. */
export function formatLondonTime(at: Date | string): string {
  return LONDON.format(typeof at === 'string' ? new Date(at) : at);
}
