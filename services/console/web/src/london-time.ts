/** Every time the console shows is London time, whatever the device's own zone. */
const FORMAT = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

export function londonTime(iso: string): string {
  return FORMAT.format(new Date(iso));
}
