import type { AlertRequested } from '@harbour/contracts';
import type { EventHandler, HarbourEvent } from '@harbour/messaging';
import { type EscalationClock, planEscalation } from '../domain/escalation-plan';
import { ALERT_STAGE_RELEASED, StageReleasedHandler } from '../follow-ups/stage-released-handler';
import { ALERT_CANCELLED, AlertCancelledHandler } from './alert-cancelled-handler';
import type { AlertHandlerOptions } from './alert-handler-options';
import { ALERT_REQUESTED, AlertRequestedHandler } from './alert-requested-handler';

export type AlertEventHandlersOptions = AlertHandlerOptions;

/**
 * The handlers of the alert topic, by event type: an alert requested (perhaps superseding
 * another), a later disclosure stage released, an alert cancelled. All three are keyed by alert
 * id on one topic, so each alert's events are handled in the order safeguarding published them.
 * After each commit the consumer must kick the dispatcher, the relay and the escalation sweep
 * (and have the sweep remove the jobs of cancelled timers when `cancelsEscalation(event)`).
 */
export function alertEventHandlers(
  options: AlertEventHandlersOptions,
): Record<string, EventHandler> {
  const requested = new AlertRequestedHandler(options);
  const stages = new StageReleasedHandler(options);
  const cancelled = new AlertCancelledHandler(options);
  return {
    [ALERT_REQUESTED]: (event, manager) => requested.onRequested(event, manager),
    [ALERT_STAGE_RELEASED]: (event, manager) => stages.onStageReleased(event, manager),
    [ALERT_CANCELLED]: (event, manager) => cancelled.onCancelled(event, manager),
  };
}

/**
 * Whether handling the event may have cancelled escalation timers (a cancellation; an alert that
 * supersedes another), so their queue jobs are worth removing right after commit rather than at
 * the next sweep. Only then: doing it after every event would take database connections from
 * the consumer.
 */
export function cancelsEscalation(event: HarbourEvent): boolean {
  if (event.type === ALERT_CANCELLED) return true;
  if (event.type !== ALERT_REQUESTED) return false;
  return (event.data as Partial<AlertRequested> | null)?.supersedes !== undefined;
}

/**
 * Whether the event may have scheduled an escalation timer due before the escalation sweep
 * would queue it (within two sweeps): only then is the sweep worth kicking right after commit.
 * A timer due later (a production alert's first level comes minutes after it) is queued by the
 * next sweep, long before it is due, so kicking for it would only take a database connection
 * and a Redis round trip from every alert. Only a requested alert schedules one here.
 */
export function armsEscalationSoon(
  event: HarbourEvent,
  settings: EscalationClock & { sweepIntervalMs: number },
  now: Date = new Date(),
): boolean {
  if (event.type !== ALERT_REQUESTED) return false;
  try {
    const { timers } = planEscalation(event.data as AlertRequested, now, settings);
    const soon = now.getTime() + 2 * settings.sweepIntervalMs;
    return timers.some((timer) => timer.dueAt.getTime() <= soon);
  } catch {
    // Whatever the payload, never miss a timer: kick.
    return true;
  }
}
