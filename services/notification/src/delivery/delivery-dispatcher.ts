import type { Logger } from '@harbour/platform';
import { JobArmer } from '../infrastructure/job-armer';
import type { DeliveryJobs, DeliveryRef } from './delivery-jobs';

/** What the dispatcher needs of the delivery table. */
export interface PendingDeliveries {
  unarmed(limit: number): Promise<DeliveryRef[]>;
  armedBefore(before: Date, limit: number): Promise<DeliveryRef[]>;
  markArmed(deliveryIds: readonly string[]): Promise<void>;
}

export interface DeliveryDispatcherOptions {
  deliveries: PendingDeliveries;
  jobs: DeliveryJobs;
  logger: Logger;
  /** How often the sweep runs. */
  sweepIntervalMs: number;
  /** A pending delivery whose job was last seen longer ago than this is checked again. Default 30 s. */
  recheckAfterMs?: number;
  /** Deliveries handled per batch. Default 200. */
  batchSize?: number;
  now?: () => Date;
}

/**
 * Hands pending deliveries to the queue. The consumer's transaction cannot include Redis, so
 * this runs after commit: `kick()` right after an alert's deliveries commit, and a sweep every
 * `sweepIntervalMs` that
 * - queues any pending delivery that was never queued (the process died between commit and
 *   kick, or Redis refused the add), and
 * - re-checks pending deliveries queued a while ago, and queues again any whose job is gone
 *   (Redis lost it) or finished without the row being settled.
 * Queuing is idempotent (the job id is the delivery id), so concurrent dispatchers in several
 * replicas are harmless.
 */
export class DeliveryDispatcher {
  private readonly armer: JobArmer<DeliveryRef>;

  constructor(options: DeliveryDispatcherOptions) {
    this.armer = new JobArmer<DeliveryRef>({
      rows: options.deliveries,
      jobs: options.jobs,
      logger: options.logger,
      what: 'deliveries',
      sweepIntervalMs: options.sweepIntervalMs,
      ...(options.recheckAfterMs === undefined ? {} : { recheckAfterMs: options.recheckAfterMs }),
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
      ...(options.now === undefined ? {} : { now: options.now }),
    });
  }

  start(): void {
    this.armer.start();
  }

  /**
   * Queues never-queued pending deliveries now. Concurrent kicks coalesce into one pass; the
   * promise never rejects (failures are logged and left to the sweep).
   */
  kick(): Promise<void> {
    return this.armer.kick();
  }

  /** Stops sweeping and waits for the pass in flight. */
  stop(): Promise<void> {
    return this.armer.stop();
  }
}
