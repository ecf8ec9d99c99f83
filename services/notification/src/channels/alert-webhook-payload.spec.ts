import type { AlertRequested } from '@harbour/contracts';
import { renderAlertWebhookPayload } from './alert-webhook-payload';
import { renderDelivery } from './render-delivery';

const CAUSE_ID = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const alert: AlertRequested = {
  alertId: '3f0c2a8e-1b4d-4c6e-9f20-7a5b8c9d0e1f',
  cause: { kind: 'missing_episode', id: CAUSE_ID, eventId: CAUSE_ID },
  severity: 'critical',
  acknowledgeWithinMinutes: 15,
  audience: {
    roles: ['missing_person_unit'],
    boroughs: ['E09000007'],
    specialisms: ['children_specialist'],
  },
  disclosure: { level: 'operational' },
  summary: { title: 'Missing child — trafficking marker', lines: [{ label: 'Age', value: '15' }] },
  escalationPolicy: { levels: [{ afterMinutes: 15, roles: ['police_specialist'] }], repeat: 2 },
  requestedAt: '2025-11-28T14:00:00Z',
};

describe('renderAlertWebhookPayload', () => {
  it('carries what the e-mail shows, and nothing else of the event', () => {
    const withPersonalData = { ...alert, personal: { name: 'Amira Example' } };
    const payload = renderAlertWebhookPayload(withPersonalData);
    expect(payload).toEqual({
      type: 'harbour.alert',
      alertId: alert.alertId,
      reference: alert.alertId,
      severity: 'critical',
      title: 'Missing child — trafficking marker',
      lines: [{ label: 'Age', value: '15' }],
      borough: 'Camden',
      acknowledgeBy: '2025-11-28T14:15:00.000Z',
      acknowledgeWithinMinutes: 15,
    });
    const text = JSON.stringify(payload);
    for (const secret of [
      'Amira',
      CAUSE_ID,
      'children_specialist',
      'police_specialist',
      'missing_episode',
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it('includes the acknowledgement link only when there is one', () => {
    const url = 'https://harbour.example/ack/abc';
    expect(renderAlertWebhookPayload(alert, { acknowledgeUrl: url }).acknowledgeUrl).toBe(url);
    expect('acknowledgeUrl' in renderAlertWebhookPayload(alert)).toBe(false);
  });
});

describe('renderDelivery', () => {
  const delivery = { id: 'd1', messageId: 'm1', address: 'x' };

  it('shows the acknowledgement link in both e-mail bodies, and nothing when there is none', () => {
    const url = 'https://harbour.example/ack/abc?x=1&y=2';
    const email = renderDelivery({ ...delivery, channel: 'email' }, alert, { acknowledgeUrl: url });
    if (email.channel !== 'email') throw new Error('expected an e-mail');
    // The alert is operational: the e-mail withholds its lines, and its link leads to them.
    expect(email.content.text).toContain(`Acknowledge: ${url}`);
    expect(email.content.html).toContain('See the details and acknowledge</a>');
    expect(email.content.html).toContain('href="https://harbour.example/ack/abc?x=1&amp;y=2"');
    const plain = renderDelivery({ ...delivery, channel: 'email' }, alert);
    if (plain.channel !== 'email') throw new Error('expected an e-mail');
    expect(plain.content.text).not.toContain('Acknowledge:');
    expect(plain.content.text).toContain('ask the partnership coordinator for them');
    expect(plain.content.html).not.toContain('href=');
  });

  it('needs the secret for a webhook', () => {
    expect(() => renderDelivery({ ...delivery, channel: 'webhook' }, alert)).toThrow(
      /no signing secret/,
    );
    expect(() =>
      renderDelivery({ ...delivery, channel: 'webhook' }, alert, { secrets: [] }),
    ).toThrow(/no signing secret/);
    const webhook = renderDelivery({ ...delivery, channel: 'webhook' }, alert, {
      secrets: ['whsec_x'],
    });
    expect(webhook).toMatchObject({ channel: 'webhook', secrets: ['whsec_x'], messageId: 'm1' });
  });
});
