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
 */
export function signWebhook(
  secret: string,
  messageId: string,
  body: string,
  at: Date,
): WebhookSignatureHeaders {
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(messageId, at, body),
  };
}
