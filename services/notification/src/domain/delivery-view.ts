import type { AlertRequested, DisclosureLevel } from '@harbour/contracts';
import type { DeliveryPurpose } from './delivery';
import { maySeeStage, noticeOnly } from './follow-up-disclosure';
import type { ReleasedStage } from './follow-up-stage';

/** The parts of a delivery row that decide what it shows. */
export interface DeliveryToView {
  id: string;
  purpose?: DeliveryPurpose;
  escalationLevel?: number | null;
}

/** What one alert, escalation or follow-up delivery shows its recipient, and at which level. */
export interface DeliveryView {
  /** The alert with the summary this recipient may see (a follow-up's released summary). */
  alert: AlertRequested;
  /** The disclosure level of that summary: what showing it discloses. */
  level: DisclosureLevel;
  /** Set for a follow-up: the released stage's level and time. */
  update?: Pick<ReleasedStage, 'level' | 'releasedAt'>;
  /** Set for an escalation (levels count from 1). */
  escalationLevel?: number;
}

/**
 * What a delivery shows, as cleared for its recipient — the one rule the channels and the
 * details page share: a follow-up shows its released stage's summary instead of the original
 * one; the alert and its escalations show the alert's summary to kinds cleared for its level and
 * the notice to everyone else (`recipientKind` unknown: the alert as requested).
 */
export function deliveryView(
  delivery: DeliveryToView,
  request: AlertRequested,
  options: { stage?: ReleasedStage; recipientKind?: string },
): DeliveryView {
  const escalation =
    delivery.purpose === 'escalation' && typeof delivery.escalationLevel === 'number'
      ? { escalationLevel: delivery.escalationLevel }
      : {};
  if (delivery.purpose === 'follow_up') {
    const { stage } = options;
    // Never fall back to the original summary: an "update" must show what was released.
    if (stage === undefined)
      throw new Error(`follow-up delivery ${delivery.id} has no released stage`);
    return {
      alert: { ...request, summary: stage.summary },
      level: stage.level,
      update: { level: stage.level, releasedAt: stage.releasedAt },
      ...escalation,
    };
  }
  const cleared =
    options.recipientKind === undefined ||
    maySeeStage(options.recipientKind, request.disclosure.level);
  return cleared
    ? { alert: request, level: request.disclosure.level, ...escalation }
    : { alert: noticeOnly(request), level: 'notice', ...escalation };
}

/**
 * The alert as an e-mail may carry it. Only a notice travels by e-mail: a mailbox can be
 * forwarded, shared or compromised, and a planned operation's address or a missing child's
 * profile must not sit in one. Anything above a notice keeps its title (safeguarding writes
 * titles at notice level) and loses its lines, which say where to see them instead: the
 * acknowledgement page, after a deliberate click that is recorded in the audit log.
 */
export function emailSafe(view: DeliveryView, hasLink: boolean): AlertRequested {
  if (view.level === 'notice') return view.alert;
  return {
    ...view.alert,
    summary: {
      title: view.alert.summary.title,
      lines: [
        {
          label: 'Details',
          value: hasLink
            ? `the ${view.level} details are not sent by e-mail. Open the link below and choose "Show details"; each viewing is recorded.`
            : `the ${view.level} details are not sent by e-mail; ask the partnership coordinator for them.`,
        },
      ],
    },
  };
}
