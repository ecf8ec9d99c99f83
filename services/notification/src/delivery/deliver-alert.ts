import type { AlertDelivered, DeliveryFailed } from '@harbour/contracts';
import { topicFor } from '@harbour/contracts';
import { type Kickable, type Outbox, withOutbox } from '@harbour/messaging';
import type { Logger } from '@harbour/platform';
import type { DataSource } from 'typeorm';
import type { AlertRepository } from '../alerts/alert-repository';
import { renderAlertEmail } from '../domain/alert-email';
import type { AlertMailer } from './alert-mailer';
import type { DeliveryRepository } from './delivery-repository';
import { describeSmtpFailure } from './smtp-failure';

export const ALERT_DELIVERED = 'harbour.alert.delivered';
export const DELIVERY_FAILED = 'harbour.delivery.failed';

/** What one attempt came to; `retry` and `failed` carry a payload-free reason. */
export type DeliveryOutcome =
  | { kind: 'sent' }
  | { kind: 'not-pending' }
  | { kind: 'unknown-delivery' }
  | { kind: 'retry'; reason: string; attempt: number }
  | { kind: 'failed'; reason: string; attempt: number };

export interface DeliverAlertOptions {
  dataSource: DataSource;
  alerts: AlertRepository;
  deliveries: DeliveryRepository;
  mailer: AlertMailer;
  outbox: Outbox;
  relay: Kickable;
  logger: Logger;
  /** Attempts in all, the first included; the last failure marks the delivery failed. */
  maxAttempts: number;
  now?: () => Date;
}

/**
 * One attempt at one delivery: render the e-mail from the alert's cleared summary, send it with
 * the delivery's stable Message-ID, then mark the row sent and record `harbour.alert.delivered`
 * in one transaction. A delivery that is no longer pending is left alone, so a duplicate job
 * sends nothing. After the last attempt (or a refusal retrying cannot fix) the row is marked
 * failed with `harbour.delivery.failed`, also in one transaction.
 */
export class DeliverAlert {
  private readonly now: () => Date;

  constructor(private readonly options: DeliverAlertOptions) {
    this.now = options.now ?? (() => new Date());
  }

  async execute(deliveryId: string): Promise<DeliveryOutcome> {
    const { deliveries, alerts, dataSource, logger } = this.options;
    const delivery = await deliveries.find(deliveryId);
    if (delivery === null) {
      logger.warn({ deliveryId }, 'queued delivery does not exist; job dropped');
      return { kind: 'unknown-delivery' };
    }
    if (delivery.status !== 'pending') return { kind: 'not-pending' };
    const alert = await alerts.find(delivery.alertId, dataSource.manager);
    if (alert === null) throw new Error(`delivery ${deliveryId} has no alert`);
    const attempt = await deliveries.startAttempt(deliveryId);
    if (attempt === null) return { kind: 'not-pending' };

    const about = {
      deliveryId,
      alertId: delivery.alertId,
      organisationId: delivery.organisationId,
      attempt,
    };
    try {
      await this.options.mailer.send({
        ...renderAlertEmail(alert.request),
        to: delivery.address,
        messageId: delivery.messageId,
      });
    } catch (error) {
      const failure = describeSmtpFailure(error);
      if (failure.permanent || attempt >= this.options.maxAttempts) {
        await this.markFailed(delivery, attempt, failure.text, failure.permanent);
        logger.error(
          { ...about, err: failure.text, permanent: failure.permanent },
          'delivery failed',
        );
        return { kind: 'failed', reason: failure.text, attempt };
      }
      await deliveries.recordError(deliveryId, failure.text);
      logger.warn({ ...about, err: failure.text }, 'delivery attempt failed; will retry');
      return { kind: 'retry', reason: failure.text, attempt };
    }

    const sentAt = this.now();
    await withOutbox(dataSource, this.options.relay, async (manager) => {
      if (!(await deliveries.markSent(deliveryId, sentAt, manager))) return;
      const delivered: AlertDelivered = {
        alertId: delivery.alertId,
        deliveryId,
        organisationId: delivery.organisationId,
        channel: delivery.channel,
        messageId: delivery.messageId,
        deliveredAt: sentAt.toISOString(),
      };
      await this.options.outbox.add(manager, {
        topic: topicFor(ALERT_DELIVERED),
        key: delivery.alertId,
        subject: delivery.alertId,
        type: ALERT_DELIVERED,
        data: delivered,
      });
    });
    logger.info(about, 'alert delivered');
    return { kind: 'sent' };
  }

  private async markFailed(
    delivery: { id: string; alertId: string; organisationId: string; channel: 'email' },
    attempts: number,
    reason: string,
    permanent: boolean,
  ): Promise<void> {
    const failedAt = this.now();
    await withOutbox(this.options.dataSource, this.options.relay, async (manager) => {
      if (!(await this.options.deliveries.markFailed(delivery.id, failedAt, reason, manager))) {
        return;
      }
      const failed: DeliveryFailed = {
        alertId: delivery.alertId,
        deliveryId: delivery.id,
        organisationId: delivery.organisationId,
        channel: delivery.channel,
        failedAt: failedAt.toISOString(),
        attempts,
        permanent,
        error: reason,
      };
      await this.options.outbox.add(manager, {
        topic: topicFor(DELIVERY_FAILED),
        key: delivery.alertId,
        subject: delivery.alertId,
        type: DELIVERY_FAILED,
        data: failed,
      });
    });
  }
}
