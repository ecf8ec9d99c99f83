/** Whole minutes in words, rounded up: a hold with 61 s left has "2 minutes" of room, not 1. */
export function minutesInWords(seconds: number): string {
  if (seconds <= 0) return 'expired';
  if (seconds < 60) return 'less than a minute left';
  const minutes = Math.ceil(seconds / 60);
  if (minutes === 1) return 'about 1 minute left';
  if (minutes < 120) return `about ${minutes} minutes left`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `about ${hours} hours${rest === 0 ? '' : ` ${rest} minutes`} left`;
}
