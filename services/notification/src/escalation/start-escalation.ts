import type { Kickable, Outbox } from '@harbour/messaging';
import type { Logger } from '@harbour/platform';
import { Queue, type Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import type { DirectoryRepository } from '../directory/directory-repository';
import { BullEscalationJobs, escalationQueueName, type EscalationJobData } from './escalation-jobs';
import { EscalationSweep } from './escalation-sweep';
import { EscalationTargets } from './escalation-targets';
import { EscalationTimers } from './escalation-timers';
import { startEscalationWorker } from './escalation-worker';
import { FireEscalation } from './fire-escalation';

export interface EscalationOptions {
  dataSource: DataSource;
  directory: DirectoryRepository;
  outbox: Outbox;
  relay: Kickable;
  /** The delivery dispatcher: kicked so escalation deliveries go out at once. */
  dispatcher: Kickable;
  logger: Logger;
  redisUrl: string;
  /** BullMQ key prefix (the service's `NOTIFICATION_QUEUE_PREFIX`). */
  queuePrefix: string;
  /** Default `harbour-delivery-escalation`, next to the channel queues. */
  queueName?: string;
  /** `NOTIFICATION_ESCALATION_SWEEP_MS`. */
  sweepIntervalMs: number;
  /** Length of a policy minute: `NOTIFICATION_ESCALATION_MINUTE_MS` (60 000 in production). */
  minuteMs: number;
  /** Timers fired in parallel per process. Default 5. */
  concurrency?: number;
}

/** The running escalation machinery: the timers (for the alert handler) and its lifecycle. */
export interface Escalation {
  /** Where the alert handler schedules an alert's escalation, in its own transaction. */
  timers: EscalationTimers;
  fire: FireEscalation;
  sweep: EscalationSweep;
  /** Queues new timers at once; call after a transaction that scheduled some has committed. */
  kick(): Promise<void>;
  /**
   * Removes the queue jobs of cancelled timers at once; call after a transaction that cancelled
   * some (a closure, a supersession) has committed. The sweep does it too, every interval.
   */
  disarm(): Promise<void>;
  /** Stops the sweep, lets timers being fired finish, then closes the queue and its connections. */
  close(): Promise<void>;
}

/**
 * Starts the escalation queue, its worker and its sweep. Start it before consuming alerts, and
 * close it after the consumer has stopped and before the delivery dispatcher does.
 */
export async function startEscalation(options: EscalationOptions): Promise<Escalation> {
  const { logger } = options;
  const queueName = options.queueName ?? escalationQueueName('harbour-delivery');
  // Producers fail fast while Redis is away (the sweep retries); the worker waits it out.
  const queueRedis = new Redis(options.redisUrl, { enableOfflineQueue: false });
  const workerRedis = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  for (const redis of [queueRedis, workerRedis]) {
    redis.on('error', (error: Error) => {
      logger.debug({ err: `${error.name}: ${error.message}` }, 'redis connection error');
    });
  }
  const queue = new Queue<EscalationJobData>(queueName, {
    connection: queueRedis,
    prefix: options.queuePrefix,
  });
  queue.on('error', (error: Error) => {
    logger.warn({ err: `${error.name}: ${error.message}` }, 'escalation queue error');
  });
  await queue.waitUntilReady();

  const clock = { minuteMs: options.minuteMs };
  const timers = new EscalationTimers(options.dataSource, clock);
  // The sweep and the firing refer to each other: firing arms the next timer through the sweep.
  const armTimers: Kickable = { kick: () => sweep.kick() };
  const fire = new FireEscalation({
    dataSource: options.dataSource,
    timers,
    targets: new EscalationTargets(options.dataSource, options.directory),
    outbox: options.outbox,
    relay: options.relay,
    dispatcher: options.dispatcher,
    armTimers,
    logger,
    clock,
  });
  const sweep = new EscalationSweep({
    timers,
    jobs: new BullEscalationJobs(queue),
    fire,
    logger,
    sweepIntervalMs: options.sweepIntervalMs,
  });
  const worker: Worker<EscalationJobData> = startEscalationWorker({
    queueName,
    prefix: options.queuePrefix,
    connection: workerRedis,
    concurrency: options.concurrency ?? 5,
    fire,
    logger,
  });
  sweep.start();

  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    const steps: [string, () => Promise<void> | void][] = [
      ['escalation sweep', () => sweep.stop()],
      ['escalation worker', () => worker.close()],
      ['escalation queue', () => queue.close()],
      [
        'escalation redis',
        () => {
          queueRedis.disconnect();
          workerRedis.disconnect();
        },
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
    timers,
    fire,
    sweep,
    kick: () => sweep.kick(),
    disarm: () => sweep.disarm(),
    close: () => (closing ??= close()),
  };
}

/** The settings of `startEscalation` that come from the service's configuration. */
export function escalationSettings(config: {
  REDIS_URL: string;
  NOTIFICATION_QUEUE_PREFIX: string;
  NOTIFICATION_QUEUE_NAME: string;
  NOTIFICATION_ESCALATION_SWEEP_MS: number;
  NOTIFICATION_ESCALATION_MINUTE_MS: number;
}): Pick<
  EscalationOptions,
  'redisUrl' | 'queuePrefix' | 'queueName' | 'sweepIntervalMs' | 'minuteMs'
> {
  return {
    redisUrl: config.REDIS_URL,
    queuePrefix: config.NOTIFICATION_QUEUE_PREFIX,
    queueName: escalationQueueName(config.NOTIFICATION_QUEUE_NAME),
    sweepIntervalMs: config.NOTIFICATION_ESCALATION_SWEEP_MS,
    minuteMs: config.NOTIFICATION_ESCALATION_MINUTE_MS,
  };
}
