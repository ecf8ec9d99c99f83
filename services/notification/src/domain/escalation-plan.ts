import type { AlertRequested } from '@harbour/contracts';
import {
  type EscalationPolicy,
  type EscalationStep,
  escalationLevelAt,
  escalationPolicyOf,
  nextEscalationStep,
} from './escalation-policy';

/** Production time unit of escalation policies. Tests shorten it (`NOTIFICATION_ESCALATION_MINUTE_MS`). */
export const MINUTE_MS = 60_000;

export interface EscalationClock {
  /** Length of a policy "minute" in milliseconds. Default 60 000. */
  minuteMs?: number;
}

/** A timer to insert: fire `level` of round `loop` at `dueAt` unless acknowledged by then. */
export interface PlannedTimer extends EscalationStep {
  dueAt: Date;
}

/**
 * What recording an alert adds for escalation: the policy it escalates by (snapshotted onto the
 * alert, null when it does not escalate) and its first timer. Later timers are inserted one at
 * a time as each fires, so an acknowledgement only ever has one pending timer to beat.
 */
export interface EscalationPlan {
  policy: EscalationPolicy | null;
  timers: PlannedTimer[];
}

/**
 * Plans an alert's escalation: the first level is due `afterMinutes` after the request. A
 * request stamped in the future (clock skew) counts from `now` instead; one long past (a replay)
 * is due at once, because nobody acknowledged within the time asked.
 */
export function planEscalation(
  alert: AlertRequested,
  now: Date,
  clock: EscalationClock = {},
): EscalationPlan {
  const policy = escalationPolicyOf(alert);
  if (policy === null) return { policy: null, timers: [] };
  const requestedAt = Math.min(new Date(alert.requestedAt).getTime(), now.getTime());
  const first: EscalationStep = { level: 0, loop: 0 };
  const delay = escalationLevelAt(policy, first).afterMinutes * minuteMsOf(clock);
  return { policy, timers: [{ ...first, dueAt: new Date(requestedAt + delay) }] };
}

/**
 * The timer after one that fired: the next level (or the next round's first level), due
 * `afterMinutes` after the fired level actually went out — never before its own due time — so
 * every level gets its full window to be acknowledged even when a timer fired late. Null when
 * the policy is exhausted.
 */
export function nextTimer(
  policy: EscalationPolicy,
  fired: PlannedTimer,
  firedAt: Date,
  clock: EscalationClock = {},
): PlannedTimer | null {
  const step = nextEscalationStep(policy, fired);
  if (step === null) return null;
  const from = Math.max(fired.dueAt.getTime(), firedAt.getTime());
  const delay = escalationLevelAt(policy, step).afterMinutes * minuteMsOf(clock);
  return { ...step, dueAt: new Date(from + delay) };
}

/**
 * Every due time of a policy if nobody acknowledges and every timer fires on time — what a
 * coordinator reads as "who hears when".
 */
export function escalationSchedule(
  policy: EscalationPolicy,
  requestedAt: Date,
  clock: EscalationClock = {},
): PlannedTimer[] {
  const first = escalationLevelAt(policy, { level: 0, loop: 0 });
  let timer: PlannedTimer | null = {
    level: 0,
    loop: 0,
    dueAt: new Date(requestedAt.getTime() + first.afterMinutes * minuteMsOf(clock)),
  };
  const schedule: PlannedTimer[] = [];
  while (timer !== null) {
    schedule.push(timer);
    timer = nextTimer(policy, timer, timer.dueAt, clock);
  }
  return schedule;
}

function minuteMsOf(clock: EscalationClock): number {
  const minuteMs = clock.minuteMs ?? MINUTE_MS;
  if (!(minuteMs > 0)) throw new Error(`escalation minute must be positive, not ${minuteMs}`);
  return minuteMs;
}
