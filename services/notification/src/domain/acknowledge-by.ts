/** When a human must have acknowledged: the request time plus the alert's window. */
export function acknowledgeBy(requestedAt: string | Date, withinMinutes: number): Date {
  const start = typeof requestedAt === 'string' ? new Date(requestedAt) : requestedAt;
  return new Date(start.getTime() + withinMinutes * 60_000);
}

/** "15 min", "2 h", "1 h 30 min", "1 day": how long a partner has, in the subject line. */
export function formatWindow(minutes: number): string {
  if (minutes < 120) return `${minutes} min`;
  if (minutes % 1440 === 0) return minutes === 1440 ? '1 day' : `${minutes / 1440} days`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}
