import type { AlertEmail } from '../domain/alert-email';
import type { AlertEndWebhookPayload, AlertWebhookPayload } from './alert-webhook-payload';

/** The ways an alert can reach a partner. SMS or Teams would be one more kind and one more adapter. */
export const CHANNEL_KINDS = ['email', 'webhook'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export function isChannelKind(value: string): value is ChannelKind {
  return (CHANNEL_KINDS as readonly string[]).includes(value);
}

interface OutgoingBase {
  deliveryId: string;
  /** Stable across retries: the e-mail Message-ID or the `webhook-id` header. */
  messageId: string;
  /** E-mail address or webhook URL. */
  address: string;
}

export interface OutgoingEmail extends OutgoingBase {
  channel: 'email';
  content: AlertEmail;
}

export interface OutgoingWebhook extends OutgoingBase {
  channel: 'webhook';
  content: AlertWebhookPayload | AlertEndWebhookPayload;
  /**
   * The contact's signing secrets, `whsec_<base64>`, the current one first: two during a
   * rotation's overlap, one otherwise; never empty.
   */
  secrets: readonly string[];
}

/** One rendered message for one delivery, ready for its channel. */
export type OutgoingDelivery = OutgoingEmail | OutgoingWebhook;

/** What the receiving side said when it accepted the message, e.g. `250 2.0.0 Ok` or `HTTP 204`. */
export interface SendOutcome {
  providerResponse: string;
}

/**
 * A channel adapter. `send` resolves once the receiving side accepted the message and rejects
 * with a `ChannelSendError` saying whether retrying can help.
 */
export interface DeliveryChannel {
  readonly kind: ChannelKind;
  send(message: OutgoingDelivery): Promise<SendOutcome>;
  /** Releases pooled connections; sends in flight finish first. */
  close?(): Promise<void> | void;
}
