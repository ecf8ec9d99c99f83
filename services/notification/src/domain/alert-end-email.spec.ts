import type { AlertRequested } from '@harbour/contracts';
import { renderDelivery, type DeliveryToRender } from '../channels/render-delivery';
import type { AlertEnd } from './alert-end';
import { renderAlertEndEmail } from './alert-end-email';

const ALERT_ID = '3f0c2a8e-1b4d-4c6e-9f20-7a5b8c9d0e1f';

const alert: AlertRequested = {
  alertId: ALERT_ID,
  cause: {
    kind: 'missing_episode',
    id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
    eventId: 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e',
  },
  severity: 'critical',
  acknowledgeWithinMinutes: 15,
  audience: { roles: ['missing_person_unit', 'ngo'], boroughs: ['E09000007'] },
  disclosure: { level: 'operational' },
  summary: {
    title: 'Missing child — Camden',
    lines: [{ label: 'Last seen', value: '12 Example Road, NW1' }],
  },
  requestedAt: '2026-03-01T14:00:00Z',
};

// 09:30 UTC on 2 March is 09:30 GMT in London.
const closed: AlertEnd = {
  kind: 'closed',
  at: new Date('2026-03-02T09:30:00Z'),
  reason: 'Found Mon, 2 Mar 2026, 09:15 GMT in Camden; this alert is closed.',
};
// 1 July is summer time: 13:05 UTC is 14:05 BST.
const superseded: AlertEnd = {
  kind: 'superseded',
  at: new Date('2026-07-01T13:05:00Z'),
  bySeverity: 'informational',
};

describe('telling a recipient an alert ended', () => {
  it.each<[string, AlertEnd, string, string]>([
    [
      'closed',
      closed,
      '[CLOSED] Missing child — Camden',
      `CLOSED: alert ${ALERT_ID} was closed at Mon, 2 Mar 2026, 09:30 GMT.`,
    ],
    [
      'superseded',
      superseded,
      '[SUPERSEDED] Missing child — Camden',
      `SUPERSEDED: alert ${ALERT_ID} was replaced at Wed, 1 Jul 2026, 14:05 BST by an informational alert for the partners it concerns.`,
    ],
  ])('%s: subject and first line', (_, end, subject, firstLine) => {
    const email = renderAlertEndEmail(alert, end);
    expect(email.subject).toBe(subject);
    expect(email.text.split('\n')[0]).toBe(firstLine);
    expect(email.text).toContain(`Alert reference: ${ALERT_ID}`);
  });

  it('gives the closure reason, and never the summary lines (which some recipients may not see)', () => {
    for (const end of [closed, superseded]) {
      const email = renderAlertEndEmail(alert, end);
      const all = `${email.subject}\n${email.text}\n${email.html}`;
      expect(all).not.toContain('12 Example Road');
      expect(all).not.toContain('Acknowledge:');
    }
    expect(renderAlertEndEmail(alert, closed).text).toContain(`Reason: ${closed.reason}`);
  });

  it('says "a critical alert", not "an critical alert"', () => {
    const email = renderAlertEndEmail(alert, { ...superseded, bySeverity: 'critical' });
    expect(email.text).toContain('by a critical alert for the partners it concerns');
  });

  it('keeps a hostile title out of the headers and the markup', () => {
    const hostile = {
      ...alert,
      summary: { ...alert.summary, title: 'Bad\r\nBcc: x@example.com <script>' },
    };
    const email = renderAlertEndEmail(hostile, closed);
    expect(email.subject).toBe('[CLOSED] Bad Bcc: x@example.com <script>');
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('&lt;script&gt;');
  });
});

describe('rendering an end delivery for its channel', () => {
  const delivery = (
    channel: 'email' | 'webhook',
    purpose: 'closure' | 'supersession',
  ): DeliveryToRender => ({
    id: 'c5d6e7f8-0000-4000-8000-000000000001',
    channel,
    address: channel === 'email' ? 'duty@ngo.example' : 'https://ngo.example/hook',
    messageId: '<c5d6e7f8@harbour.localhost>',
    purpose,
  });

  it('sends webhooks harbour.alert.closed with the reason and harbour.alert.superseded with the severity', () => {
    const closure = renderDelivery(delivery('webhook', 'closure'), alert, {
      end: closed,
      secrets: ['whsec_x'],
    });
    expect(closure.content).toEqual({
      type: 'harbour.alert.closed',
      alertId: ALERT_ID,
      reference: ALERT_ID,
      severity: 'critical',
      title: 'Missing child — Camden',
      borough: 'Camden',
      endedAt: '2026-03-02T09:30:00.000Z',
      reason: closed.reason,
    });
    const supersession = renderDelivery(delivery('webhook', 'supersession'), alert, {
      end: superseded,
      secrets: ['whsec_x'],
    });
    expect(supersession.content).toMatchObject({
      type: 'harbour.alert.superseded',
      supersededBySeverity: 'informational',
    });
    expect(JSON.stringify(supersession.content)).not.toContain('12 Example Road');
  });

  it('refuses an end delivery without its end, or with the other end, rather than resend the alert', () => {
    expect(() => renderDelivery(delivery('email', 'closure'), alert)).toThrow(/has no closed/);
    expect(() => renderDelivery(delivery('email', 'supersession'), alert, { end: closed })).toThrow(
      /has no superseded/,
    );
  });

  it('renders a closure e-mail even with an acknowledgement link at hand: no link in it', () => {
    const outgoing = renderDelivery(delivery('email', 'closure'), alert, {
      end: closed,
      acknowledgeUrl: 'http://127.0.0.1:8083/ack/token',
    });
    if (outgoing.channel !== 'email') throw new Error('expected an e-mail');
    expect(outgoing.content.subject).toBe('[CLOSED] Missing child — Camden');
    expect(outgoing.content.text).not.toContain('/ack/');
  });
});
