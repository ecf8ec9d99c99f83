import type { Kickable, Outbox } from '@harbour/messaging';
import { type Logger, type ReadinessCheck, redisReadiness } from '@harbour/platform';
import { Queue, type Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import type { AlertRepository } from '../alerts/alert-repository';
import type { ChannelKind, DeliveryChannel } from '../channels/delivery-channel';
import { createEmailChannel } from '../channels/email-channel';
import { createWebhookChannel } from '../channels/webhook-channel';
import type { NotificationConfig } from '../config';
import {
  type AcknowledgeUrlFor,
  DeliverAlert,
  type DeliverAlertOptions,
  type WebhookSecrets,
} from './deliver-alert';
import { DeliveryDispatcher } from './delivery-dispatcher';
import { BullDeliveryJobs, channelQueueName, type DeliveryJobData } from './delivery-jobs';
import type { DeliveryRepository } from './delivery-repository';
import { startDeliveryWorker } from './delivery-worker';

export type DeliveryPipelineConfig = Pick<
  NotificationConfig,
  | 'REDIS_URL'
  | 'NOTIFICATION_QUEUE_NAME'
  | 'NOTIFICATION_QUEUE_PREFIX'
  | 'NOTIFICATION_DELIVERY_CONCURRENCY'
  | 'NOTIFICATION_DELIVERY_ATTEMPTS'
  | 'NOTIFICATION_RETRY_BASE_MS'
  | 'NOTIFICATION_RETRY_MAX_MS'
  | 'NOTIFICATION_SWEEP_INTERVAL_MS'
  | 'NOTIFICATION_SMTP_MAX_CONNECTIONS'
  | 'NOTIFICATION_EMAIL_RATE_PER_SECOND'
  | 'NOTIFICATION_WEBHOOK_RATE_PER_SECOND'
  | 'NOTIFICATION_WEBHOOK_TIMEOUT_MS'
  | 'SMTP_URL'
  | 'SMTP_FROM'
>;

export interface DeliveryPipelineOptions {
  config: DeliveryPipelineConfig;
  dataSource: DataSource;
  alerts: AlertRepository;
  deliveries: DeliveryRepository;
  outbox: Outbox;
  relay: Kickable;
  logger: Logger;
  /** Webhook contacts' signing secrets, read at send time (`WebhookSecretStore`). */
  webhookSecrets: WebhookSecrets;
  /** The signed acknowledgement link of a delivery, once the acknowledgement module provides it. */
  acknowledgeUrl?: AcknowledgeUrlFor;
  /** Replaces the e-mail and webhook adapters (tests). */
  channels?: readonly DeliveryChannel[];
  /** Brings an alert's escalation forward when one of its deliveries fails for good. */
  escalation?: DeliverAlertOptions['escalation'];
}

export interface DeliveryPipeline {
  dispatcher: DeliveryDispatcher;
  /** Redis as the queues see it. */
  readiness: ReadinessCheck;
  /** No new jobs, sends in flight finish, queues and channel pools close. Before the relay stops. */
  stop(): Promise<void>;
  /** Drops the Redis connections. After the relay stops. */
  disconnect(): void;
}

/**
 * Delivery through BullMQ, one queue per channel (`<name>-email`, `<name>-webhook`), each with
 * its own worker and rate limit; the job payload is `{ deliveryId }` and the job id the delivery
 * id. The dispatcher queues pending deliveries after commit and sweeps for lost ones.
 */
export async function startDeliveryPipeline(
  options: DeliveryPipelineOptions,
): Promise<DeliveryPipeline> {
  const { config, logger } = options;
  // Producers fail fast while Redis is away (the sweep retries); the workers wait it out.
  const queueRedis = new Redis(config.REDIS_URL, { enableOfflineQueue: false });
  const workerRedis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
  for (const redis of [queueRedis, workerRedis]) {
    redis.on('error', (error: Error) => {
      logger.debug({ err: `${error.name}: ${error.message}` }, 'redis connection error');
    });
  }

  const channels = options.channels ?? [
    createEmailChannel({
      url: config.SMTP_URL,
      from: config.SMTP_FROM,
      maxConnections: config.NOTIFICATION_SMTP_MAX_CONNECTIONS,
    }),
    createWebhookChannel({ timeoutMs: config.NOTIFICATION_WEBHOOK_TIMEOUT_MS }),
  ];
  const rates: Record<ChannelKind, number> = {
    email: config.NOTIFICATION_EMAIL_RATE_PER_SECOND,
    webhook: config.NOTIFICATION_WEBHOOK_RATE_PER_SECOND,
  };

  const queues = new Map<ChannelKind, Queue<DeliveryJobData>>();
  for (const channel of channels) {
    const queue = new Queue<DeliveryJobData>(
      channelQueueName(config.NOTIFICATION_QUEUE_NAME, channel.kind),
      { connection: queueRedis, prefix: config.NOTIFICATION_QUEUE_PREFIX },
    );
    queue.on('error', (error: Error) => {
      logger.warn(
        { channel: channel.kind, err: `${error.name}: ${error.message}` },
        'delivery queue error',
      );
    });
    await queue.waitUntilReady();
    queues.set(channel.kind, queue);
  }

  const deliverAlert = new DeliverAlert({
    dataSource: options.dataSource,
    alerts: options.alerts,
    deliveries: options.deliveries,
    channels,
    webhookSecrets: options.webhookSecrets,
    ...(options.acknowledgeUrl === undefined ? {} : { acknowledgeUrl: options.acknowledgeUrl }),
    outbox: options.outbox,
    relay: options.relay,
    logger,
    maxAttempts: config.NOTIFICATION_DELIVERY_ATTEMPTS,
    ...(options.escalation === undefined ? {} : { escalation: options.escalation }),
  });
  const workers: Worker<DeliveryJobData>[] = channels.map((channel) =>
    startDeliveryWorker({
      queueName: channelQueueName(config.NOTIFICATION_QUEUE_NAME, channel.kind),
      prefix: config.NOTIFICATION_QUEUE_PREFIX,
      connection: workerRedis,
      concurrency: config.NOTIFICATION_DELIVERY_CONCURRENCY,
      ratePerSecond: rates[channel.kind],
      retry: { baseMs: config.NOTIFICATION_RETRY_BASE_MS, maxMs: config.NOTIFICATION_RETRY_MAX_MS },
      deliverAlert,
      logger,
    }),
  );
  const dispatcher = new DeliveryDispatcher({
    deliveries: options.deliveries,
    jobs: new BullDeliveryJobs(queues, config.NOTIFICATION_DELIVERY_ATTEMPTS),
    logger,
    sweepIntervalMs: config.NOTIFICATION_SWEEP_INTERVAL_MS,
  });
  dispatcher.start();

  const stop = async (): Promise<void> => {
    const steps: [string, () => Promise<unknown>][] = [
      ['dispatcher', () => dispatcher.stop()],
      ['workers', () => Promise.all(workers.map((worker) => worker.close()))],
      ['queues', () => Promise.all([...queues.values()].map((queue) => queue.close()))],
      [
        'channels',
        () =>
          Promise.all(
            channels.map(async (channel) => {
              await channel.close?.();
            }),
          ),
      ],
    ];
    for (const [name, step] of steps) {
      try {
        await step();
      } catch (error) {
        logger.error(
          {
            err: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
            step: name,
          },
          'could not close cleanly',
        );
      }
    }
  };
  return {
    dispatcher,
    readiness: redisReadiness(queueRedis),
    stop,
    disconnect() {
      queueRedis.disconnect();
      workerRedis.disconnect();
    },
  };
}
