import type { AlertRequested } from '@harbour/contracts';
import { acknowledgeBy, formatWindow } from './acknowledge-by';
import { boroughLabel } from './borough-label';
import { formatLondonTime } from '@harbour/london';
import type { ReleasedStage } from './follow-up-stage';

/** An alert e-mail, ready for any mail transport. */
export interface AlertEmail {
  subject: string;
  text: string;
  html: string;
}

export interface AlertEmailOptions {
  /** The recipient's signed acknowledgement link; shown only when given. */
  acknowledgeUrl?: string;
  /** Set when this is an escalation: nobody acknowledged in time (levels count from 1). */
  escalationLevel?: number;
  /**
   * Set when this is a follow-up: a later disclosure stage was released. The alert passed in
   * must then carry the RELEASED summary (see `renderDelivery`).
   */
  update?: Pick<ReleasedStage, 'level' | 'releasedAt'>;
  /**
   * Set when the alert passed in had its lines withheld (see `emailSafe`): the link is then also
   * the way to the details, and says so.
   */
  detailsWithheld?: boolean;
}

/**
 * The alert e-mail. Need-to-know: it is built ONLY from what safeguarding cleared for recipients
 * — the summary (title and lines), the severity, the borough names, the acknowledge-by time in
 * London time and the alert reference. Nothing else of the event (cause, audience details,
 * escalation policy, or any field a future schema version adds) can reach a recipient, because
 * nothing else is read here.
 */
export function renderAlertEmail(
  alert: AlertRequested,
  options: AlertEmailOptions = {},
): AlertEmail {
  const { acknowledgeUrl, escalationLevel, update, detailsWithheld = false } = options;
  const linkLabel = detailsWithheld ? 'See the details and acknowledge' : 'Acknowledge';
  const escalation =
    update !== undefined
      ? 'UPDATE'
      : escalationLevel === undefined
        ? undefined
        : `ESCALATION level ${escalationLevel}`;
  const released =
    update === undefined
      ? undefined
      : { level: update.level, at: formatLondonTime(update.releasedAt) };
  const updateLine =
    released === undefined
      ? undefined
      : `UPDATE to alert ${alert.alertId}: ${released.level} details released at ${released.at}.`;
  const severity = alert.severity.toUpperCase();
  const borough = boroughLabel(alert.audience.boroughs);
  const title = oneLine(alert.summary.title);
  const window = formatWindow(alert.acknowledgeWithinMinutes);
  const deadline = formatLondonTime(
    acknowledgeBy(alert.requestedAt, alert.acknowledgeWithinMinutes),
  );
  const lines = alert.summary.lines.map((line) => ({
    label: oneLine(line.label),
    value: line.value,
  }));
  const facts: EmailFact[] = [
    { label: 'Severity', value: alert.severity },
    ...(alert.audience.namedOnly === true ? [] : [{ label: 'Borough', value: borough }]),
    { label: 'Acknowledge by', value: deadline },
    { label: 'Alert reference', value: alert.alertId },
    ...(released === undefined
      ? []
      : [
          { label: 'Disclosure stage', value: released.level },
          { label: 'Released at', value: released.at },
        ]),
  ];

  // The title usually names the borough already ("Missing child — Camden"): say it once.
  const subjectParts = [
    `${escalation === undefined ? '' : `[${escalation}] `}[${severity}] ${title}`,
  ];
  // A named-only alert (one provider's bed offer) is not about an area: its boroughs select
  // nobody, so naming them ("all London boroughs") would only mislead.
  if (alert.audience.namedOnly !== true && !title.includes(borough)) subjectParts.push(borough);
  subjectParts.push(
    released === undefined ? `acknowledge within ${window}` : `${released.level} details released`,
  );
  const subject = oneLine(subjectParts.join(' — '));

  const lead = [
    ...(updateLine !== undefined
      ? [updateLine]
      : escalation === undefined
        ? []
        : [`${escalation}: nobody has acknowledged this alert yet.`]),
    `${severity} alert: acknowledge by ${deadline} (within ${window}).`,
    // Always `Acknowledge: <url>` in text, which partners' mail rules may already look for.
    ...(acknowledgeUrl === undefined ? [] : [`Acknowledge: ${acknowledgeUrl}`]),
  ];
  const text = emailText(lead, title, [lines, facts]);
  const html = emailHtml(
    subject,
    [
      updateLine === undefined ? '' : `<p><strong>${escapeHtml(updateLine)}</strong></p>`,
      `<p><strong>${escapeHtml(severity)} alert</strong>: acknowledge by `,
      `<strong>${escapeHtml(deadline)}</strong> (within ${escapeHtml(window)}).</p>`,
      acknowledgeUrl === undefined
        ? ''
        : `<p><a href="${escapeHtml(acknowledgeUrl)}" style="display:inline-block;padding:8px 16px;` +
          `background:#1d4ed8;color:#ffffff;text-decoration:none;border-radius:4px">${linkLabel}</a> ` +
          `<span style="color:#555">or open ${escapeHtml(acknowledgeUrl)}</span></p>`,
    ],
    title,
    [lines, facts],
  );

  return { subject, text, html };
}

/** A labelled line of an e-mail: a summary line or a fact about the alert. */
export interface EmailFact {
  label: string;
  value: string;
}

/**
 * The plain-text part every alert e-mail shares: its lead lines, the title, each section of
 * `Label: value` lines, and the footer.
 */
export function emailText(
  lead: readonly string[],
  title: string,
  sections: readonly (readonly EmailFact[])[],
): string {
  return [
    ...lead,
    '',
    title,
    '',
    ...sections.flatMap((facts) => [...facts.map((fact) => `${fact.label}: ${fact.value}`), '']),
    FOOTER,
    '',
  ].join('\n');
}

/**
 * The HTML part every alert e-mail shares: the subject as its title, the lead (already HTML),
 * the title as a heading, each section as a table (a rule between them), and the footer.
 */
export function emailHtml(
  subject: string,
  leadHtml: readonly string[],
  title: string,
  sections: readonly (readonly EmailFact[])[],
): string {
  const row = (fact: EmailFact): string =>
    `<tr><th align="left" valign="top" style="padding:2px 12px 2px 0">${escapeHtml(fact.label)}</th>` +
    `<td style="padding:2px 0;white-space:pre-wrap">${escapeHtml(fact.value)}</td></tr>`;
  return [
    '<!doctype html>',
    '<html lang="en-GB"><head><meta charset="utf-8"><title>',
    escapeHtml(subject),
    '</title></head><body style="font-family:sans-serif">',
    ...leadHtml,
    `<h1 style="font-size:1.3em">${escapeHtml(title)}</h1>`,
    sections.map((facts) => `<table>${facts.map(row).join('')}</table>`).join('<hr>'),
    `<p style="color:#555">${escapeHtml(FOOTER)}</p>`,
    '</body></html>',
  ].join('');
}

export const FOOTER =
  'You receive this as a Harbour partner. It is for your organisation only: do not forward it.';

/** Header-safe: no line breaks or control characters, so a summary cannot inject headers. */
export function oneLine(value: string): string {
  return (
    value
      // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
      .replace(/[\u0000-\u001f\u007f]+/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
