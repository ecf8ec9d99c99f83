import type { AlertRequested } from '@harbour/contracts';
import { acknowledgeBy } from '../domain/acknowledge-by';
import type { AlertEnd } from '../domain/alert-end';
import { boroughLabel } from '../domain/borough-label';
import type { ReleasedStage } from '../domain/follow-up-stage';

/** The JSON body POSTed to a partner's webhook. */
export interface AlertWebhookPayload {
  /** `harbour.alert.update` for a follow-up: a later disclosure stage of the alert was released. */
  type: 'harbour.alert' | 'harbour.alert.update';
  alertId: string;
  /** The reference partners quote back; the same as in the e-mail. */
  reference: string;
  severity: AlertRequested['severity'];
  title: string;
  lines: { label: string; value: string }[];
  /** Borough names, as the e-mail gives them ("Camden and Islington", "all London boroughs"). */
  borough: string;
  /** ISO 8601, UTC. */
  acknowledgeBy: string;
  acknowledgeWithinMinutes: number;
  /** Present only when the alert can be acknowledged by link. */
  acknowledgeUrl?: string;
  /** Present when this is an escalation (nobody acknowledged in time); levels count from 1. */
  escalationLevel?: number;
  /** Present on an update: the released level and when (ISO 8601); title and lines are its summary. */
  stage?: { level: ReleasedStage['level']; releasedAt: string };
}

export interface WebhookPayloadOptions {
  acknowledgeUrl?: string;
  escalationLevel?: number;
  /** Set for a follow-up; the alert passed in must then carry the RELEASED summary. */
  update?: Pick<ReleasedStage, 'level' | 'releasedAt'>;
}

/**
 * The webhook body. Need-to-know, exactly like the e-mail: built ONLY from the cleared summary,
 * the severity, the borough names, the acknowledge-by time and the alert reference. Nothing else
 * of the event is read, so nothing else can reach a partner's system.
 */
export function renderAlertWebhookPayload(
  alert: AlertRequested,
  options: WebhookPayloadOptions = {},
): AlertWebhookPayload {
  return {
    type: options.update === undefined ? 'harbour.alert' : 'harbour.alert.update',
    alertId: alert.alertId,
    reference: alert.alertId,
    severity: alert.severity,
    title: alert.summary.title,
    lines: alert.summary.lines.map((line) => ({ label: line.label, value: line.value })),
    borough: boroughLabel(alert.audience.boroughs),
    acknowledgeBy: acknowledgeBy(alert.requestedAt, alert.acknowledgeWithinMinutes).toISOString(),
    acknowledgeWithinMinutes: alert.acknowledgeWithinMinutes,
    ...(options.acknowledgeUrl === undefined ? {} : { acknowledgeUrl: options.acknowledgeUrl }),
    ...(options.escalationLevel === undefined ? {} : { escalationLevel: options.escalationLevel }),
    ...(options.update === undefined
      ? {}
      : {
          stage: {
            level: options.update.level,
            releasedAt: new Date(options.update.releasedAt).toISOString(),
          },
        }),
  };
}

/**
 * The JSON body telling a partner's system an alert ended: `harbour.alert.closed` with the
 * reason, or `harbour.alert.superseded` with the severity of the alert that replaced it. Like the
 * e-mail, built from the title, severity, boroughs and reference only.
 */
export interface AlertEndWebhookPayload {
  type: 'harbour.alert.closed' | 'harbour.alert.superseded';
  alertId: string;
  reference: string;
  severity: AlertRequested['severity'];
  title: string;
  borough: string;
  /** ISO 8601, UTC: when the alert was closed or replaced. */
  endedAt: string;
  /** Closed: why, as safeguarding wrote it for recipients. */
  reason?: string;
  /** Superseded: the severity of the alert that replaced it (sent to the partners it concerns). */
  supersededBySeverity?: AlertRequested['severity'];
}

export function renderAlertEndWebhookPayload(
  alert: AlertRequested,
  end: AlertEnd,
): AlertEndWebhookPayload {
  const common = {
    alertId: alert.alertId,
    reference: alert.alertId,
    severity: alert.severity,
    title: alert.summary.title,
    borough: boroughLabel(alert.audience.boroughs),
    endedAt: end.at.toISOString(),
  };
  switch (end.kind) {
    case 'closed':
      return { type: 'harbour.alert.closed', ...common, reason: end.reason };
    case 'superseded':
      return {
        type: 'harbour.alert.superseded',
        ...common,
        supersededBySeverity: end.bySeverity,
      };
  }
}
