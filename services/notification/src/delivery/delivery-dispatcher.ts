import type { Logger } from '@harbour/platform';
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
  private readonly recheckAfterMs: number;
  private readonly batchSize: number;
  private readonly now: () => Date;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private again = false;
  private failing = false;

  constructor(private readonly options: DeliveryDispatcherOptions) {
    this.recheckAfterMs = options.recheckAfterMs ?? 30_000;
    this.batchSize = options.batchSize ?? 200;
    this.now = options.now ?? (() => new Date());
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.scheduleSweep(0);
  }

  /**
   * Queues never-queued pending deliveries now. Concurrent kicks coalesce into one pass; the
   * promise never rejects (failures are logged and left to the sweep).
   */
  kick(): Promise<void> {
    if (!this.running) return this.inFlight ?? Promise.resolve();
    this.again = true;
    this.inFlight ??= this.drain();
    return this.inFlight;
  }

  /** Stops sweeping and waits for the pass in flight. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  private isRunning(): boolean {
    return this.running;
  }

  private scheduleSweep(delayMs: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      void this.sweep().finally(() => {
        this.scheduleSweep(this.options.sweepIntervalMs);
      });
    }, delayMs);
    this.timer.unref();
  }

  private async sweep(): Promise<void> {
    await this.kick();
    if (!this.isRunning()) return;
    try {
      await this.recheck();
    } catch (error) {
      this.reportFailure(error);
    }
  }

  private async drain(): Promise<void> {
    try {
      while (this.again && this.isRunning()) {
        this.again = false;
        let batch: DeliveryRef[];
        do {
          batch = await this.options.deliveries.unarmed(this.batchSize);
          if (batch.length === 0) break;
          await this.options.jobs.add(batch);
          await this.options.deliveries.markArmed(batch.map((delivery) => delivery.id));
          this.recovered();
          this.options.logger.debug({ deliveries: batch.length }, 'deliveries queued');
        } while (batch.length === this.batchSize && this.isRunning());
      }
    } catch (error) {
      this.reportFailure(error);
    } finally {
      this.inFlight = undefined;
    }
  }

  /** Pending deliveries queued a while ago: is their job still there? */
  private async recheck(): Promise<void> {
    const before = new Date(this.now().getTime() - this.recheckAfterMs);
    const stale = await this.options.deliveries.armedBefore(before, this.batchSize);
    if (stale.length === 0) return;
    const lost: DeliveryRef[] = [];
    for (const delivery of stale) {
      const state = await this.options.jobs.state(delivery);
      if (state === 'live') continue;
      if (state === 'finished') await this.options.jobs.discard(delivery);
      lost.push(delivery);
    }
    if (lost.length > 0) {
      await this.options.jobs.add(lost);
      this.options.logger.warn(
        { deliveries: lost.length },
        'pending deliveries had no live job; queued again',
      );
    }
    await this.options.deliveries.markArmed(stale.map((delivery) => delivery.id));
    this.recovered();
  }

  private reportFailure(error: unknown): void {
    // One line per outage, not one per second.
    if (this.failing) return;
    this.failing = true;
    this.options.logger.error(
      { err: error instanceof Error ? `${error.name}: ${error.message}` : String(error) },
      'could not queue pending deliveries; the sweep keeps trying',
    );
  }

  private recovered(): void {
    if (!this.failing) return;
    this.failing = false;
    this.options.logger.info({}, 'queueing pending deliveries works again');
  }
}
