/** A delivery's life: waiting to be sent (and retried), accepted by the channel, or given up. */
export const DELIVERY_STATUSES = ['pending', 'sent', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** The host part of every alert e-mail's Message-ID. */
export const MESSAGE_ID_HOST = 'harbour.localhost';

/**
 * The stable message id of a delivery: the e-mail Message-ID, or the webhook's `webhook-id`
 * (`msg_<id>`, as Standard Webhooks examples have it, and without the dots that separate the
 * signed fields). Derived from the delivery id alone, so every retry of the same delivery carries
 * the same id and the recipient can recognise a resend.
 */
export function deliveryMessageId(
  deliveryId: string,
  channel: 'email' | 'webhook' = 'email',
): string {
  return channel === 'webhook' ? `msg_${deliveryId}` : `<${deliveryId}@${MESSAGE_ID_HOST}>`;
}

/** The steps of the delivery log, one row each in `delivery_event`. */
export const DELIVERY_EVENT_KINDS = ['queued', 'sent', 'retrying', 'failed'] as const;
export type DeliveryEventKind = (typeof DELIVERY_EVENT_KINDS)[number];

/**
 * Why a delivery exists: the alert itself, an escalation level and loop, a later stage, or the
 * news that the alert ended (`closure`: closed; `supersession`: replaced by a newer alert).
 */
export const DELIVERY_PURPOSES = [
  'alert',
  'escalation',
  'follow_up',
  'closure',
  'supersession',
] as const;
export type DeliveryPurpose = (typeof DELIVERY_PURPOSES)[number];

export interface RetryDelayPolicy {
  /** Delay before the first retry. */
  baseMs: number;
  /** No delay is longer than this. */
  maxMs: number;
}

/**
 * Delay before the next send after `failedAttempts` failures: exponential from `baseMs`, capped
 * at `maxMs`, with "equal jitter" (half fixed, half random) so deliveries that failed together
 * (an SMTP outage) do not all retry in the same second. Always within [ceiling / 2, ceiling].
 */
export function deliveryRetryDelay(
  failedAttempts: number,
  policy: RetryDelayPolicy,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, Math.min(failedAttempts - 1, 30));
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** What an SMTP server said when it refused a message (nodemailer's error fields). */
export interface SmtpRefusal {
  responseCode?: number;
  command?: string;
}

/**
 * A recipient the server rejects outright (5xx to RCPT TO: no such mailbox) will not be
 * accepted by retrying. Everything else — connection errors, 4xx, and 5xx to other commands,
 * which usually mean our own configuration is wrong — is worth retrying.
 */
export function isPermanentRefusal(refusal: SmtpRefusal): boolean {
  const code = refusal.responseCode;
  return (
    code !== undefined &&
    code >= 500 &&
    code < 600 &&
    (refusal.command ?? '').toUpperCase().startsWith('RCPT')
  );
}
