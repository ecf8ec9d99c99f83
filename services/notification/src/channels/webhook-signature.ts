import { Webhook } from 'standardwebhooks';

/** The Standard Webhooks headers of one request. */
export interface WebhookSignatureHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * Signs a webhook body to the Standard Webhooks specification: `v1,<base64 HMAC-SHA256 of
 * "{id}.{timestamp}.{body}">` with the secret's key. The id is the delivery's stable id, so a
 * retry is recognisable as the same message; the timestamp is the time of this attempt.
 *
 * With several secrets (a rotation's overlap), `webhook-signature` carries one signature per
 * secret, space-separated, as the specification allows: a receiver verifying with either the
 * old or the new secret accepts the request.
 */
export function signWebhook(
  secrets: string | readonly string[],
  messageId: string,
  body: string,
  at: Date,
): WebhookSignatureHeaders {
  const keys = typeof secrets === 'string' ? [secrets] : secrets;
  if (keys.length === 0) throw new Error('a webhook needs at least one signing secret');
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': keys
      .map((secret) => new Webhook(secret).sign(messageId, at, body))
      .join(' '),
  };
}
