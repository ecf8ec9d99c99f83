import type { AlertRequested } from '@harbour/contracts';
import { renderAlertEmail } from '../domain/alert-email';
import { renderAlertWebhookPayload } from './alert-webhook-payload';
import type { ChannelKind, OutgoingDelivery } from './delivery-channel';

/** The parts of a delivery row rendering needs. */
export interface DeliveryToRender {
  id: string;
  channel: ChannelKind;
  address: string;
  messageId: string;
  purpose?: 'alert' | 'escalation' | 'follow_up';
  escalationLevel?: number | null;
}

export interface RenderOptions {
  /** The recipient's signed acknowledgement link, when the alert can be acknowledged by link. */
  acknowledgeUrl?: string;
  /** The contact's signing secret; required for webhooks. */
  secret?: string;
}

/** One delivery of an alert, rendered for its channel from the cleared summary only. */
export function renderDelivery(
  delivery: DeliveryToRender,
  alert: AlertRequested,
  options: RenderOptions = {},
): OutgoingDelivery {
  const link = {
    ...(options.acknowledgeUrl === undefined ? {} : { acknowledgeUrl: options.acknowledgeUrl }),
    ...(delivery.purpose === 'escalation' && typeof delivery.escalationLevel === 'number'
      ? { escalationLevel: delivery.escalationLevel }
      : {}),
  };
  const base = {
    deliveryId: delivery.id,
    messageId: delivery.messageId,
    address: delivery.address,
  };
  switch (delivery.channel) {
    case 'email':
      return { ...base, channel: 'email', content: renderAlertEmail(alert, link) };
    case 'webhook':
      if (options.secret === undefined) {
        throw new Error(`webhook delivery ${delivery.id} has no signing secret`);
      }
      return {
        ...base,
        channel: 'webhook',
        content: renderAlertWebhookPayload(alert, link),
        secret: options.secret,
      };
  }
}
