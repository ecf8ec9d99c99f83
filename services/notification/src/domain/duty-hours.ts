import type { DutyHours } from './audience';

const LONDON_PARTS = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  weekday: 'short',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const WEEKDAY: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** Whether `at` falls inside the duty hours, read in London time (GMT or BST). */
export function withinDutyHours(hours: DutyHours, at: Date): boolean {
  const parts = Object.fromEntries(LONDON_PARTS.formatToParts(at).map((p) => [p.type, p.value]));
  const day = WEEKDAY[parts.weekday ?? ''] ?? 0;
  const minutes = Number(parts.hour) * 60 + Number(parts.minute);
  const [fromH, fromM] = hours.from.split(':').map(Number);
  const [toH, toM] = hours.to.split(':').map(Number);
  const from = (fromH ?? 0) * 60 + (fromM ?? 0);
  const to = (toH ?? 0) * 60 + (toM ?? 0);
  if (from <= to) return hours.days.includes(day) && minutes >= from && minutes < to;
  // An overnight shift (e.g. 20:00–08:00) belongs to the day it starts.
  const yesterday = day === 1 ? 7 : day - 1;
  return (
    (hours.days.includes(day) && minutes >= from) ||
    (hours.days.includes(yesterday) && minutes < to)
  );
}

export interface RoutableContact {
  outOfHours: boolean;
}

/**
 * Which of an organisation's contacts an alert goes to. Its ordinary contacts always; and when
 * the alert comes outside the organisation's duty hours, its out-of-hours contacts too, so a
 * person on call sees it. An organisation with only out-of-hours contacts gets them. (Escalation
 * reaches out-of-hours contacts on its own schedule.)
 */
export function contactsToAlert<C extends RoutableContact>(
  contacts: readonly C[],
  dutyHours: DutyHours | null | undefined,
  at: Date,
): C[] {
  const ordinary = contacts.filter((c) => !c.outOfHours);
  const onCall = contacts.filter((c) => c.outOfHours);
  if (ordinary.length === 0) return onCall;
  const offDuty = dutyHours !== null && dutyHours !== undefined && !withinDutyHours(dutyHours, at);
  return offDuty ? [...ordinary, ...onCall] : ordinary;
}
