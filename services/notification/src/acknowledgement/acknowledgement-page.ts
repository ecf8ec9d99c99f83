import { randomBytes } from 'node:crypto';
import { formatLondonTime } from '@harbour/london';
import { MAX_RESPONSE_LENGTH } from '../domain/acknowledgement-response';
import { boroughLabel } from '../domain/borough-label';
import type { LinkAcknowledgement, LinkInspection } from './acknowledge-alert';
import type { AlertForAcknowledgement } from './acknowledgement-repository';
import type { DetailsOutcome } from './delivery-details';

/** A rendered page: status, HTML, and the Content-Security-Policy that lets its one style block run. */
export interface AcknowledgementPage {
  status: number;
  html: string;
  contentSecurityPolicy: string;
}

type PageOutcome = LinkInspection | LinkAcknowledgement;

/**
 * What the page says for each outcome of opening or submitting a link. Given the link's token,
 * a page whose link still works offers the details the e-mail left out, behind a button (a POST:
 * mail scanners prefetch GETs, and each showing is audited).
 */
export function acknowledgementPage(
  outcome: PageOutcome | { kind: 'bad-response'; alert: AlertForAcknowledgement; error: string },
  token?: string,
): AcknowledgementPage {
  const details = token === undefined ? '' : detailsButton(token);
  switch (outcome.kind) {
    case 'open':
      return page(200, 'Acknowledge this alert', [
        alertFacts(outcome.alert),
        details,
        `<p>Acknowledging tells the partnership that <strong>${escapeHtml(outcome.organisationName)}</strong> has seen this alert and is acting on it. It stops escalation.</p>`,
        form(null),
      ]);
    case 'bad-response':
      return page(400, 'Acknowledge this alert', [
        alertFacts(outcome.alert),
        `<p class="error" role="alert" id="response-error">Your response ${escapeHtml(outcome.error)}. Please shorten it and send again.</p>`,
        form('response-error'),
      ]);
    case 'acknowledged':
      return page(200, 'Acknowledged — thank you', [
        alertFacts(outcome.alert),
        `<p class="done">Acknowledged for <strong>${escapeHtml(outcome.acknowledgement.organisationName)}</strong> at ${escapeHtml(formatLondonTime(outcome.acknowledgement.acknowledgedAt))}.</p>`,
        details,
      ]);
    case 'already-acknowledged':
      return page(409, 'Already acknowledged', [
        alertFacts(outcome.alert),
        `<p><strong>${escapeHtml(outcome.acknowledgement.organisationName)}</strong> already acknowledged this alert at ${escapeHtml(formatLondonTime(outcome.acknowledgement.acknowledgedAt))}. Nothing more was recorded.</p>`,
        details,
      ]);
    case 'used':
      return page(409, 'This link has already been used', [
        `<p>This acknowledgement link was used at ${escapeHtml(formatLondonTime(outcome.acknowledgement.acknowledgedAt))}, for ${escapeHtml(outcome.acknowledgement.organisationName)}. Each link works once, so nothing more was recorded.</p>`,
      ]);
    case 'expired':
      return page(410, 'This link has expired', [
        outcome.alert === null ? '' : alertFacts(outcome.alert),
        '<p>This acknowledgement link is no longer valid. If your organisation is still acting on this alert, contact the partnership coordinator.</p>',
      ]);
    case 'closed':
      return page(409, 'This alert is closed', [
        alertFacts(outcome.alert),
        `<p>This alert was closed${outcome.alert.closedAt === null ? '' : ` at ${escapeHtml(formatLondonTime(outcome.alert.closedAt))}`}. It needs no further action, so it can no longer be acknowledged and nothing was recorded.</p>`,
        outcome.alert.closureReason === null
          ? ''
          : `<p><strong>Reason:</strong> ${escapeHtml(outcome.alert.closureReason)}</p>`,
      ]);
    case 'superseded':
      return page(409, 'This alert was replaced', [
        alertFacts(outcome.alert),
        '<p>A newer alert about the same case replaced this one, so it can no longer be acknowledged and nothing was recorded. If your organisation was sent the newer alert, acknowledge that one.</p>',
      ]);
    case 'invalid':
      return page(400, 'This link is not valid', [
        '<p>This acknowledgement link is not valid. It may have been copied incompletely: open it again from the alert message, or contact the partnership coordinator.</p>',
      ]);
  }
}

/**
 * The details a delivery's e-mail left out (`POST /ack/:token/details`), with the acknowledgement
 * form when the link can still acknowledge. Refusals read as the acknowledgement page's do.
 */
export function detailsPage(outcome: DetailsOutcome, token: string): AcknowledgementPage {
  if (outcome.kind !== 'details') return acknowledgementPage(outcome);
  const { view, acknowledgement } = outcome;
  const alert = view.alert;
  const facts: [string, string][] = [
    ['Severity', alert.severity],
    ...(alert.audience.namedOnly === true
      ? []
      : ([['Borough', boroughLabel(alert.audience.boroughs)]] as [string, string][])),
    ['Acknowledge by', formatLondonTime(outcome.alert.acknowledgeBy)],
    ['Alert reference', alert.alertId],
    ...(view.update === undefined
      ? []
      : ([
          ['Disclosure stage', view.update.level],
          ['Released at', formatLondonTime(view.update.releasedAt)],
        ] as [string, string][])),
    ...(view.escalationLevel === undefined
      ? []
      : ([['Escalation', `level ${view.escalationLevel}`]] as [string, string][])),
  ];
  const list = (rows: readonly (readonly [string, string])[]): string =>
    `<dl>${rows.map(([label, value]) => `<dt>${escapeHtml(label)}</dt><dd class="value">${escapeHtml(value)}</dd>`).join('')}</dl>`;
  return page(200, 'Alert details', [
    `<h2>${escapeHtml(alert.summary.title)}</h2>`,
    list(alert.summary.lines.map((line) => [line.label, line.value] as const)),
    list(facts),
    `<p class="hint">For ${escapeHtml(view.level === 'notice' ? 'your organisation' : `partners cleared for ${view.level} details`)} only: do not copy, forward or print it. This viewing is recorded.</p>`,
    acknowledgement === null
      ? ''
      : `<p><strong>${escapeHtml(acknowledgement.organisationName)}</strong> acknowledged this alert at ${escapeHtml(formatLondonTime(acknowledgement.acknowledgedAt))}.</p>`,
    // The form posts back to the link itself: from /ack/<token>/details, ../<token>.
    outcome.canAcknowledge ? form(null, `../${token}`) : '',
  ]);
}

/** The button to the details, posting to <link>/details (relative: from /ack/<token>, <token>/details). */
function detailsButton(token: string): string {
  return [
    `<form method="post" action="${escapeHtml(token)}/details" class="details">`,
    '<button type="submit" class="secondary">Show details</button>',
    '<p class="hint">What the e-mail leaves out. Each viewing is recorded.</p>',
    '</form>',
  ].join('');
}

/** When something failed on our side: no details, a way forward. */
export function acknowledgementErrorPage(): AcknowledgementPage {
  return page(500, 'Something went wrong', [
    '<p>We could not complete this just now, and nothing was recorded. Please try again in a minute; if it keeps failing, contact the partnership coordinator.</p>',
  ]);
}

function alertFacts(alert: AlertForAcknowledgement): string {
  return [
    `<h2>${escapeHtml(alert.title)}</h2>`,
    '<dl>',
    `<dt>Severity</dt><dd><span class="severity ${escapeHtml(alert.severity)}">${escapeHtml(alert.severity)}</span></dd>`,
    `<dt>Acknowledge by</dt><dd>${escapeHtml(formatLondonTime(alert.acknowledgeBy))}</dd>`,
    '</dl>',
  ].join('');
}

function form(describedBy: string | null, action?: string): string {
  const described = describedBy === null ? '' : ` aria-describedby="${describedBy}"`;
  // No action attribute: the form posts back to this very URL, whatever prefix it is served under.
  return [
    action === undefined
      ? '<form method="post">'
      : `<form method="post" action="${escapeHtml(action)}">`,
    `<label for="response">Response (optional, at most ${MAX_RESPONSE_LENGTH} characters)</label>`,
    '<p class="hint" id="response-hint">For example: what you can bring — people, languages, beds. Do not name the person at risk.</p>',
    `<textarea id="response" name="response" rows="4" maxlength="${MAX_RESPONSE_LENGTH}" aria-describedby="response-hint"${described}></textarea>`,
    '<button type="submit">Acknowledge</button>',
    '</form>',
  ].join('');
}

const STYLE = [
  'body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#111}',
  'h1{font-size:1.5rem}h2{font-size:1.2rem}',
  'dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:bold}dd{margin:0}',
  '.severity{text-transform:uppercase;font-weight:bold}.critical{color:#b00020}.high{color:#8a4b00}',
  'label{display:block;font-weight:bold;margin-top:1rem}.hint{color:#444;margin:.25rem 0}',
  'textarea{width:100%;box-sizing:border-box;font:inherit;padding:.5rem}',
  'button{margin-top:1rem;font:inherit;font-weight:bold;padding:.6rem 1.4rem;background:#1d4ed8;color:#fff;border:0;border-radius:4px;cursor:pointer}',
  'button:focus,textarea:focus{outline:3px solid #fd0;outline-offset:2px}',
  '.error{color:#b00020;font-weight:bold}.done{font-size:1.1rem}',
  '.value{white-space:pre-wrap}.details{margin:1rem 0}',
  'button.secondary{background:#fff;color:#1d4ed8;border:2px solid #1d4ed8}',
].join('');

function page(status: number, heading: string, body: string[]): AcknowledgementPage {
  const nonce = randomBytes(16).toString('base64');
  const html = [
    '<!doctype html>',
    '<html lang="en-GB"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex, nofollow">',
    `<title>${escapeHtml(heading)} — Harbour</title>`,
    `<style nonce="${nonce}">${STYLE}</style>`,
    '</head><body><main>',
    `<h1>${escapeHtml(heading)}</h1>`,
    ...body,
    '</main></body></html>',
  ].join('');
  return {
    status,
    html,
    // Everything else stays shut; the form may post only back here.
    contentSecurityPolicy: `default-src 'none'; style-src 'nonce-${nonce}'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
  };
}

function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
