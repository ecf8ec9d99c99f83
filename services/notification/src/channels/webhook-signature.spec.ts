import { createHmac } from 'node:crypto';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { generateWebhookSecret } from './webhook-secret';
import { signWebhook } from './webhook-signature';

describe('signWebhook', () => {
  const secret = generateWebhookSecret();
  const body = JSON.stringify({ type: 'harbour.alert', alertId: 'a', title: 'Missing child' });

  it('produces headers the standardwebhooks package verifies', () => {
    const headers = signWebhook(secret, 'msg_1', body, new Date());
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
  });

  it('is HMAC-SHA256 over "{id}.{timestamp}.{body}" with the decoded key, per the specification', () => {
    const at = new Date('2025-11-28T14:00:00.900Z');
    const headers = signWebhook(secret, 'msg_1', body, at);
    expect(headers['webhook-id']).toBe('msg_1');
    expect(headers['webhook-timestamp']).toBe('1764338400');
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const expected = createHmac('sha256', key).update(`msg_1.1764338400.${body}`).digest('base64');
    expect(headers['webhook-signature']).toBe(`v1,${expected}`);
  });

  it('fails verification when the body, the id or the secret differ', () => {
    const headers = signWebhook(secret, 'msg_1', body, new Date());
    const webhook = new Webhook(secret);
    expect(() => webhook.verify(body.replace('child', 'adult'), { ...headers })).toThrow(
      WebhookVerificationError,
    );
    expect(() => webhook.verify(body, { ...headers, 'webhook-id': 'msg_2' })).toThrow(
      WebhookVerificationError,
    );
    expect(() => new Webhook(generateWebhookSecret()).verify(body, { ...headers })).toThrow(
      WebhookVerificationError,
    );
  });
  it('signs once per secret during a rotation, each signature verifying on its own', () => {
    const [current, previous] = [generateWebhookSecret(), generateWebhookSecret()];
    const at = new Date();
    const headers = signWebhook([current, previous], 'msg_2', body, at);
    const signatures = headers['webhook-signature'].split(' ');
    expect(signatures).toEqual([
      signWebhook(current, 'msg_2', body, at)['webhook-signature'],
      signWebhook(previous, 'msg_2', body, at)['webhook-signature'],
    ]);
    // A partner still verifying with the old secret, and one already on the new, both accept.
    for (const secret of [current, previous]) {
      expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
    }
    expect(() => new Webhook(generateWebhookSecret()).verify(body, { ...headers })).toThrow(
      WebhookVerificationError,
    );
    expect(() => signWebhook([], 'msg_2', body, new Date())).toThrow(/at least one/);
  });
});
