import type { AlertDelivered, DeliveryFailed } from '@harbour/contracts';
import { topicFor } from '@harbour/contracts';
import { type Kickable, type Outbox, withOutbox } from '@harbour/messaging';
import type { Logger } from '@harbour/platform';
import type { DataSource, EntityManager } from 'typeorm';
import type { AlertRepository, RecordedAlert } from '../alerts/alert-repository';
import { asChannelSendError, ChannelSendError } from '../channels/channel-send-error';
import type { ChannelKind, DeliveryChannel } from '../channels/delivery-channel';
import { disclosedLevel, disclosureAction } from '../audit/disclosed-level';
import { renderDelivery } from '../channels/render-delivery';
import { type AlertEnd, type EndPurpose, isEndPurpose } from '../domain/alert-end';
import { asDisclosureLevel, type ReleasedStage } from '../domain/follow-up-stage';
import { AlertStageRepository } from '../follow-ups/alert-stage-repository';
import type {
  ClaimedDelivery,
  Delivery,
  DeliveryRepository,
  SentDisclosure,
  SentRecord,
} from './delivery-repository';
import { WriteBatcher } from './write-batcher';

export const ALERT_DELIVERED = 'harbour.alert.delivered';
export const DELIVERY_FAILED = 'harbour.delivery.failed';

/** What one attempt came to; `retry` and `failed` carry a payload-free reason. */
export type DeliveryOutcome =
  | { kind: 'sent' }
  | { kind: 'not-pending' }
  | { kind: 'unknown-delivery' }
  | { kind: 'retry'; reason: string; attempt: number }
  | { kind: 'failed'; reason: string; attempt: number };

/**
 * The signed acknowledgement link for one delivery, or undefined when there is none (e.g. the
 * alert needs no acknowledgement). Provided by the acknowledgement module.
 */
export type AcknowledgeUrlFor = (
  delivery: Delivery,
  alert: RecordedAlert,
) => Promise<string | undefined> | string | undefined;

/** Where a webhook contact's signing secrets are read at send time (so a rotation applies). */
export interface WebhookSecrets {
  /** The current secret first, then one still in a rotation's overlap; empty when none. */
  signingSecretsOf(contactId: string): Promise<string[]>;
}

/** Where a follow-up delivery's released stage is read (its summary replaces the alert's). */
export interface ReleasedStages {
  find(ref: {
    alertId: string;
    level: ReleasedStage['level'];
    stageId: string | null;
  }): Promise<ReleasedStage | null>;
}

export interface DeliverAlertOptions {
  dataSource: DataSource;
  alerts: AlertRepository;
  deliveries: DeliveryRepository;
  /** One adapter per channel kind the directory uses. */
  channels: readonly DeliveryChannel[];
  webhookSecrets: WebhookSecrets;
  acknowledgeUrl?: AcknowledgeUrlFor;
  /** Default: the `alert_stage` table of `dataSource`. */
  stages?: ReleasedStages;
  outbox: Outbox;
  relay: Kickable;
  logger: Logger;
  /** Attempts in all, the first included; the last failure marks the delivery failed. */
  maxAttempts: number;
  /**
   * How long a send the partner accepted keeps trying to be recorded before the job is failed
   * (and the send repeated under the same id). Default 60 s.
   */
  recordSentRetryMs?: number;
  /** A delivery failed for good escalates its alert at once (the next escalation step is due now). */
  escalation?: {
    bringForward(manager: EntityManager, alertId: string, now: Date): Promise<number>;
  };
  /**
   * How sends are recorded together (group commit, `WriteBatcher`): most records in one
   * statement, and most such statements at once. Default 100 and 2.
   */
  recordBatch?: { maxBatch: number; maxInFlight: number };
  now?: () => Date;
}

/**
 * One attempt at one delivery: render it for its channel from the alert's cleared summary, send
 * it through that channel's adapter with the delivery's stable id (Message-ID or webhook-id),
 * then mark the row sent with the channel's answer and record `harbour.alert.delivered` in one
 * transaction. A delivery that is no longer pending is left alone, so a duplicate job
 * sends nothing. After the last attempt (or a refusal retrying cannot fix) the row is marked
 * failed with `harbour.delivery.failed`, also in one transaction.
 *
 * It runs for every message a partner gets, so it spends few round trips: one statement counts
 * the attempt and reads the delivery with its alert and its recipient's kind; a webhook reads its
 * secrets (their store is the only reader of them); follow-ups and end notices read their stage
 * or successor. A send is recorded in one statement (row, log and outbox event), grouped with the
 * sends recorded at the same moment; only one above the notice, which appends to the audit chain,
 * takes a transaction of its own.
 */
export class DeliverAlert {
  private readonly now: () => Date;
  private readonly channels: ReadonlyMap<ChannelKind, DeliveryChannel>;
  private readonly stages: ReleasedStages;
  private readonly sent: WriteBatcher<SentRecord, boolean>;

  constructor(private readonly options: DeliverAlertOptions) {
    this.now = options.now ?? (() => new Date());
    this.stages = options.stages ?? new AlertStageRepository(options.dataSource);
    this.channels = new Map(options.channels.map((channel) => [channel.kind, channel]));
    const outboxTable = options.outbox.table;
    this.sent = new WriteBatcher<SentRecord, boolean>({
      ...(options.recordBatch ?? { maxBatch: 100, maxInFlight: 2 }),
      write: async (records) => {
        const marked = await options.deliveries.recordSent(records, outboxTable);
        // The same delivery twice in one batch (a stray second job) is recorded once.
        return records.map((record) => marked.delete(record.deliveryId));
      },
    });
  }

  async execute(deliveryId: string): Promise<DeliveryOutcome> {
    const { deliveries, logger } = this.options;
    const claimed = await deliveries.claim(deliveryId);
    if (claimed === null) return this.unclaimed(deliveryId);
    const { delivery, alert, recipientKind } = claimed;
    const attempt = delivery.attempts;

    const about = {
      deliveryId,
      alertId: delivery.alertId,
      organisationId: delivery.organisationId,
      attempt,
    };
    let providerResponse: string;
    try {
      const channel = this.channels.get(delivery.channel);
      if (channel === undefined) {
        throw new ChannelSendError(`no ${delivery.channel} channel is configured`, false);
      }
      const secrets =
        delivery.channel === 'webhook'
          ? await this.options.webhookSecrets.signingSecretsOf(delivery.contactId)
          : null;
      if (secrets !== null && secrets.length === 0) {
        throw new ChannelSendError('the webhook contact has no signing secret', true);
      }
      const stage = delivery.purpose === 'follow_up' ? await this.stageOf(delivery) : undefined;
      const end = isEndPurpose(delivery.purpose)
        ? await this.endOf(delivery.purpose, alert)
        : undefined;
      // An alert that ended has nothing left to acknowledge: its end notices carry no link.
      const acknowledgeUrl =
        end === undefined ? await this.options.acknowledgeUrl?.(delivery, alert) : undefined;
      const outgoing = renderDelivery(delivery, alert.request, {
        ...(acknowledgeUrl === undefined ? {} : { acknowledgeUrl }),
        ...(secrets === null ? {} : { secrets }),
        ...(stage === undefined ? {} : { stage }),
        ...(end === undefined ? {} : { end }),
        recipientKind,
      });
      ({ providerResponse } = await channel.send(outgoing));
    } catch (error) {
      const failure = asChannelSendError(error);
      if (failure.permanent || attempt >= this.options.maxAttempts) {
        await this.markFailed(delivery, attempt, failure.message, failure.permanent);
        logger.error(
          {
            ...about,
            channel: delivery.channel,
            err: failure.message,
            permanent: failure.permanent,
          },
          'delivery failed',
        );
        return { kind: 'failed', reason: failure.message, attempt };
      }
      await deliveries.recordError(deliveryId, failure.message);
      logger.warn(
        { ...about, channel: delivery.channel, err: failure.message },
        'delivery attempt failed; will retry',
      );
      return { kind: 'retry', reason: failure.message, attempt };
    }

    const sentAt = this.now();
    const delivered: AlertDelivered = {
      alertId: delivery.alertId,
      deliveryId,
      organisationId: delivery.organisationId,
      channel: delivery.channel,
      messageId: delivery.messageId,
      deliveredAt: sentAt.toISOString(),
    };
    const { row: event } = this.options.outbox.prepare({
      topic: topicFor(ALERT_DELIVERED),
      key: delivery.alertId,
      subject: delivery.alertId,
      type: ALERT_DELIVERED,
      data: delivered,
    });
    const record: SentRecord = { deliveryId, sentAt, providerResponse, event };
    const disclosure = disclosureOf(claimed);
    await this.recordSent(about, () =>
      disclosure === null ? this.sent.submit(record) : this.recordAudited(record, disclosure),
    );
    void this.options.relay.kick();
    logger.info(about, 'alert delivered');
    return { kind: 'sent' };
  }

  /** Why a delivery could not be claimed: gone, no longer pending, or (an error) without its alert. */
  private async unclaimed(deliveryId: string): Promise<DeliveryOutcome> {
    const delivery = await this.options.deliveries.find(deliveryId);
    if (delivery === null) {
      this.options.logger.warn({ deliveryId }, 'queued delivery does not exist; job dropped');
      return { kind: 'unknown-delivery' };
    }
    if (delivery.status !== 'pending') return { kind: 'not-pending' };
    throw new Error(`delivery ${deliveryId} has no alert`);
  }

  /** A send above the notice: recorded with its audit entry, in one transaction of its own. */
  private async recordAudited(record: SentRecord, disclosure: SentDisclosure): Promise<boolean> {
    const { deliveries, dataSource, outbox } = this.options;
    return dataSource.transaction(async (manager) => {
      const marked = await deliveries.recordSent([record], outbox.table, manager);
      if (!marked.has(record.deliveryId)) return false;
      await deliveries.recordDisclosure(manager, disclosure);
      return true;
    });
  }

  /**
   * Records a send the partner has accepted. The send cannot be taken back, so when recording it
   * fails (Postgres restarting, a connection cut) this retries the recording itself, for up to
   * `recordSentRetryMs`, instead of failing the job — whose retry would send it again. Past that
   * the error reaches the job, and the delivery is sent again under its same id (at-least-once).
   */
  private async recordSent(about: Record<string, unknown>, record: () => Promise<unknown>) {
    const deadline = Date.now() + (this.options.recordSentRetryMs ?? 60_000);
    for (let attempt = 1; ; attempt += 1) {
      try {
        await record();
        return;
      } catch (error) {
        if (Date.now() >= deadline) throw error;
        this.options.logger.warn(
          {
            ...about,
            recordAttempt: attempt,
            err: error instanceof Error ? error.message : 'unknown',
          },
          'sent, but could not record it yet; retrying the record, not the send',
        );
        await new Promise((resolve) =>
          setTimeout(resolve, Math.min(5_000, 250 * 2 ** (attempt - 1))),
        );
      }
    }
  }

  /** A follow-up's released stage; its absence cannot be fixed by retrying. */
  private async stageOf(delivery: Delivery): Promise<ReleasedStage> {
    const level = asDisclosureLevel(delivery.stage);
    const stage =
      level === null
        ? null
        : await this.stages.find({ alertId: delivery.alertId, level, stageId: delivery.stageId });
    if (stage === null) {
      throw new ChannelSendError('the released stage of this follow-up is not recorded', true);
    }
    return stage;
  }

  /**
   * How the alert ended, as a closure or supersession tells it, read from the alert row (a
   * superseded alert closed later still says what superseded it). Its absence cannot be fixed
   * by retrying.
   */
  private async endOf(purpose: EndPurpose, alert: RecordedAlert): Promise<AlertEnd> {
    switch (purpose) {
      case 'closure':
        if (alert.closedAt === null) {
          throw new ChannelSendError('the alert of this closure is not closed', true);
        }
        return {
          kind: 'closed',
          at: alert.closedAt,
          reason: alert.closureReason ?? 'This alert needs no further action.',
        };
      case 'supersession': {
        const successor =
          alert.supersededBy === null
            ? null
            : await this.options.alerts.find(alert.supersededBy, this.options.dataSource.manager);
        if (successor === null || alert.supersededAt === null) {
          throw new ChannelSendError('the alert of this supersession was not superseded', true);
        }
        return {
          kind: 'superseded',
          at: alert.supersededAt,
          bySeverity: successor.request.severity,
        };
      }
    }
  }

  private async markFailed(
    delivery: Pick<Delivery, 'id' | 'alertId' | 'organisationId' | 'channel'>,
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
      await this.options.escalation?.bringForward(manager, delivery.alertId, failedAt);
    });
  }
}

/**
 * What a delivery discloses, as its audit entry would say, when that is above the notice (a
 * webhook showing operational or personal details); null for a notice, which is not audited.
 * Judged from what was read with the delivery, i.e. from what it was rendered with.
 */
function disclosureOf({ delivery, alert, recipientKind }: ClaimedDelivery): SentDisclosure | null {
  const sent: SentDisclosure = {
    deliveryId: delivery.id,
    alertId: delivery.alertId,
    organisationId: delivery.organisationId,
    contactId: delivery.contactId,
    channel: delivery.channel,
    purpose: delivery.purpose,
    stage: delivery.stage,
    stageId: delivery.stageId,
    escalationLevel: delivery.escalationLevel,
    matchedRule: delivery.matchedRule,
    alertLevel: alert.request.disclosure.level,
    recipientKind,
  };
  return disclosureAction(disclosedLevel(sent)) === null ? null : sent;
}
