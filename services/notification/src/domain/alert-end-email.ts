import type { AlertRequested } from '@harbour/contracts';
import { formatLondonTime } from '@harbour/london';
import {
  type AlertEmail,
  type EmailFact,
  emailHtml,
  emailText,
  escapeHtml,
  oneLine,
} from './alert-email';
import type { AlertEnd } from './alert-end';
import { boroughLabel } from './borough-label';

/**
 * The e-mail telling a recipient an alert ended: `[CLOSED] <title>` with the reason, or
 * `[SUPERSEDED] <title>` naming only the severity of the alert that replaced it. Built from the
 * alert's title (which every recipient, whatever its clearance, was shown), severity, boroughs
 * and reference, and the end itself — never the summary's detail lines, so it can go to every
 * recipient alike. No acknowledgement link: there is nothing left to acknowledge.
 */
export function renderAlertEndEmail(alert: AlertRequested, end: AlertEnd): AlertEmail {
  const title = oneLine(alert.summary.title);
  const at = formatLondonTime(end.at);
  const subject = oneLine(`[${end.kind === 'closed' ? 'CLOSED' : 'SUPERSEDED'}] ${title}`);
  const lead = leadOf(alert.alertId, end, at);
  const facts: EmailFact[] = [
    { label: 'Severity', value: alert.severity },
    { label: 'Borough', value: boroughLabel(alert.audience.boroughs) },
    { label: end.kind === 'closed' ? 'Closed at' : 'Replaced at', value: at },
    { label: 'Alert reference', value: alert.alertId },
  ];

  const text = emailText(lead, title, [facts]);
  const html = emailHtml(
    subject,
    [
      `<p><strong>${escapeHtml(lead[0] ?? '')}</strong></p>`,
      ...lead.slice(1).map((line) => `<p style="white-space:pre-wrap">${escapeHtml(line)}</p>`),
    ],
    title,
    [facts],
  );

  return { subject, text, html };
}

function leadOf(alertId: string, end: AlertEnd, at: string): string[] {
  switch (end.kind) {
    case 'closed':
      return [
        `CLOSED: alert ${alertId} was closed at ${at}.`,
        `Reason: ${end.reason}`,
        'It can no longer be acknowledged and will not escalate.',
      ];
    case 'superseded':
      return [
        `SUPERSEDED: alert ${alertId} was replaced at ${at} by ${withArticle(end.bySeverity)} alert for the partners it concerns.`,
        'Your organisation is not among them: this alert needs no further action or acknowledgement from you.',
      ];
  }
}

function withArticle(severity: AlertRequested['severity']): string {
  return /^[aeiou]/.test(severity) ? `an ${severity}` : `a ${severity}`;
}
