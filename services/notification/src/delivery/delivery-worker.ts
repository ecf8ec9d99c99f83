import type { Logger } from '@harbour/platform';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { deliveryRetryDelay, type RetryDelayPolicy } from '../domain/delivery';
import type { DeliverAlert } from './deliver-alert';
import type { DeliveryJobData } from './delivery-jobs';

export interface DeliveryWorkerOptions {
  queueName: string;
  prefix: string;
  /** Must have `maxRetriesPerRequest: null` (BullMQ blocks on it). */
  connection: Redis;
  concurrency: number;
  retry: RetryDelayPolicy;
  /** At most this many sends per second from this queue, across all workers (BullMQ limiter). */
  ratePerSecond?: number;
  deliverAlert: DeliverAlert;
  logger: Logger;
}

/** Thrown to make BullMQ retry the job after the backoff delay. */
class DeliveryAttemptFailed extends Error {
  override readonly name = 'DeliveryAttemptFailed';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function deliveryIdOf(job: Job<DeliveryJobData>): string {
  const id: unknown = (job.data as Partial<DeliveryJobData> | undefined)?.deliveryId;
  if (typeof id !== 'string' || !UUID.test(id)) {
    throw new UnrecoverableError('job has no valid deliveryId');
  }
  return id;
}

/** Runs `DeliverAlert` for each job of the delivery queue, retrying with jittered backoff. */
export function startDeliveryWorker(options: DeliveryWorkerOptions): Worker<DeliveryJobData> {
  const { logger } = options;
  const worker = new Worker<DeliveryJobData>(
    options.queueName,
    async (job) => {
      const outcome = await options.deliverAlert.execute(deliveryIdOf(job));
      switch (outcome.kind) {
        case 'sent':
        case 'not-pending':
        case 'unknown-delivery':
          return outcome.kind;
        case 'retry':
          throw new DeliveryAttemptFailed(outcome.reason);
        case 'failed':
          // Settled in Postgres already: no further BullMQ attempts.
          throw new UnrecoverableError(outcome.reason);
      }
    },
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency,
      ...(options.ratePerSecond === undefined
        ? {}
        : { limiter: { max: options.ratePerSecond, duration: 1000 } }),
      autorun: true,
      settings: {
        backoffStrategy: (attemptsMade: number) => deliveryRetryDelay(attemptsMade, options.retry),
      },
    },
  );
  worker.on('error', (error) => {
    logger.error({ err: `${error.name}: ${error.message}` }, 'delivery worker error');
  });
  worker.on('failed', (job, error) => {
    // Attempt failures are logged by DeliverAlert; this catches errors outside it (database down).
    if (error instanceof DeliveryAttemptFailed || error instanceof UnrecoverableError) return;
    logger.warn(
      {
        deliveryId: job?.id,
        attemptsMade: job?.attemptsMade,
        err: `${error.name}: ${error.message}`,
      },
      'delivery job errored; BullMQ retries it',
    );
  });
  return worker;
}
