import type { AlertRequested } from '@harbour/contracts';
import { renderAlertEmail } from '../domain/alert-email';
import { type AlertEnd, END_PURPOSES, isEndPurpose } from '../domain/alert-end';
import { renderAlertEndEmail } from '../domain/alert-end-email';
import type { DeliveryPurpose } from '../domain/delivery';
import { deliveryView, emailSafe } from '../domain/delivery-view';
import type { ReleasedStage } from '../domain/follow-up-stage';
import { mayReceive, purposeOf, withheldNote } from '../domain/purpose';
import { ChannelSendError } from './channel-send-error';
import { renderAlertEndWebhookPayload, renderAlertWebhookPayload } from './alert-webhook-payload';
import type {
  ChannelKind,
  OutgoingDelivery,
  OutgoingEmail,
  OutgoingWebhook,
} from './delivery-channel';

/** The parts of a delivery row rendering needs. */
export interface DeliveryToRender {
  id: string;
  channel: ChannelKind;
  address: string;
  messageId: string;
  purpose?: DeliveryPurpose;
  escalationLevel?: number | null;
}

export interface RenderOptions {
  /** The recipient's signed acknowledgement link, when the alert can be acknowledged by link. */
  acknowledgeUrl?: string;
  /** The contact's signing secrets, the current one first; required (not empty) for webhooks. */
  secrets?: readonly string[];
  /** The released stage a `follow_up` delivery shows; required for follow-ups. */
  stage?: ReleasedStage;
  /**
   * The recipient organisation's kind: one that may not see the alert's disclosure level is sent
   * the notice only (follow-ups are filtered by kind when they are created), and one that may not
   * receive the alert's purpose is sent nothing at all.
   */
  recipientKind?: string;
  /** How the alert ended; required for `closure` and `supersession` deliveries. */
  end?: AlertEnd;
}

/**
 * One delivery of an alert, rendered for its channel from the cleared summary only: for a
 * follow-up, the released stage's summary replaces the original one entirely. An e-mail carries
 * no more than a notice: above it, the lines stay behind the acknowledgement link.
 *
 * The last gate of purpose-bound sharing: a delivery of any kind (the alert, an escalation, a
 * follow-up, an end notice) to a recipient kind that may not receive the alert's purpose is never
 * rendered — a permanent `ChannelSendError` saying `withheld: purpose …`, so the row fails with
 * that reason in the delivery log. Recipients are chosen by the same rule; this catches a row
 * written before it held, or by a path that forgot it.
 */
export function renderDelivery(
  delivery: DeliveryToRender,
  request: AlertRequested,
  options: RenderOptions = {},
): OutgoingDelivery {
  const purpose = purposeOf(request);
  if (options.recipientKind !== undefined && !mayReceive(purpose, options.recipientKind)) {
    throw new ChannelSendError(withheldNote(purpose), true);
  }
  if (isEndPurpose(delivery.purpose)) return renderEnd(delivery, request, options);
  const view = deliveryView(delivery, request, {
    ...(options.stage === undefined ? {} : { stage: options.stage }),
    ...(options.recipientKind === undefined ? {} : { recipientKind: options.recipientKind }),
  });
  const link = {
    ...(view.update === undefined ? {} : { update: view.update }),
    ...(options.acknowledgeUrl === undefined ? {} : { acknowledgeUrl: options.acknowledgeUrl }),
    ...(view.escalationLevel === undefined ? {} : { escalationLevel: view.escalationLevel }),
  };
  return forChannel(delivery, options, {
    // An e-mail carries the notice only; the rest is behind its link (see `emailSafe`).
    email: () =>
      renderAlertEmail(emailSafe(view, options.acknowledgeUrl !== undefined), {
        ...link,
        detailsWithheld: view.level !== 'notice',
      }),
    // A partner system's endpoint is not a mailbox: it receives what the recipient is cleared
    // for, signed, and each such send is audited as a disclosure.
    webhook: () => renderAlertWebhookPayload(view.alert, link),
  });
}

/** A closure or supersession: only the end the delivery's purpose names, never the alert again. */
function renderEnd(
  delivery: DeliveryToRender,
  request: AlertRequested,
  options: RenderOptions,
): OutgoingDelivery {
  const expected = isEndPurpose(delivery.purpose) ? END_PURPOSES[delivery.purpose] : undefined;
  const end = options.end;
  if (end === undefined || end.kind !== expected) {
    throw new Error(
      `${delivery.purpose ?? 'alert'} delivery ${delivery.id} has no ${expected ?? 'end'}`,
    );
  }
  return forChannel(delivery, options, {
    email: () => renderAlertEndEmail(request, end),
    webhook: () => renderAlertEndWebhookPayload(request, end),
  });
}

/**
 * The delivery as its channel sends it, with the content that channel carries: a webhook is
 * signed with the contact's secret, and one without a secret is an error, never sent unsigned.
 */
function forChannel(
  delivery: DeliveryToRender,
  options: RenderOptions,
  content: { email: () => OutgoingEmail['content']; webhook: () => OutgoingWebhook['content'] },
): OutgoingDelivery {
  const base = {
    deliveryId: delivery.id,
    messageId: delivery.messageId,
    address: delivery.address,
  };
  switch (delivery.channel) {
    case 'email':
      return { ...base, channel: 'email', content: content.email() };
    case 'webhook':
      if (options.secrets === undefined || options.secrets.length === 0) {
        throw new Error(`webhook delivery ${delivery.id} has no signing secret`);
      }
      return { ...base, channel: 'webhook', content: content.webhook(), secrets: options.secrets };
  }
}
