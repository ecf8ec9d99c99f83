import type { Logger } from '@harbour/platform';
import type { EscalationJobs } from './escalation-jobs';
import type { ArmableTimer } from './escalation-timers';

/** What the sweep needs of the timer table. */
export interface PendingTimers {
  unarmed(limit: number): Promise<ArmableTimer[]>;
  armedBefore(before: Date, limit: number): Promise<ArmableTimer[]>;
  overdue(before: Date, limit: number): Promise<string[]>;
  markArmed(timerIds: readonly string[]): Promise<void>;
}

export interface EscalationSweepOptions {
  timers: PendingTimers;
  jobs: EscalationJobs;
  /** Fires one timer (exactly once, whoever else tries). */
  fire: { execute(timerId: string): Promise<unknown> };
  logger: Logger;
  /** How often the sweep runs. */
  sweepIntervalMs: number;
  /** A pending timer whose job was last seen longer ago than this is checked again. Default 30 s. */
  recheckAfterMs?: number;
  /** A timer this long past due that its job has not fired is fired by the sweep. Default 1 s. */
  overdueAfterMs?: number;
  /** Timers handled per batch. Default 200. */
  batchSize?: number;
  now?: () => Date;
}

/**
 * Keeps every pending escalation timer backed by a delayed job, and fires the ones a job failed
 * to fire. The Postgres row is the truth; jobs only make timers fire on time. Each sweep
 * - queues pending timers never queued (the process died between commit and `kick`, or Redis
 *   refused the add),
 * - re-checks timers queued a while ago, or before this process started, and
 *   queues again any whose job is gone (Redis lost it, or the process died mid-wait), and
 * - fires timers overdue with no job having fired them.
 * Firing is exactly-once in Postgres, so a sweep racing a job, or several replicas sweeping,
 * escalate once.
 */
export class EscalationSweep {
  private readonly recheckAfterMs: number;
  private readonly overdueAfterMs: number;
  private readonly batchSize: number;
  private readonly now: () => Date;
  private running = false;
  private startedAt = new Date(0);
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private sweeping: Promise<void> | undefined;
  private again = false;
  private failing = false;

  constructor(private readonly options: EscalationSweepOptions) {
    this.recheckAfterMs = options.recheckAfterMs ?? 30_000;
    this.overdueAfterMs = options.overdueAfterMs ?? 1_000;
    this.batchSize = options.batchSize ?? 200;
    this.now = options.now ?? (() => new Date());
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.startedAt = this.now();
    this.scheduleSweep(0);
  }

  /** Queues never-queued pending timers now. Concurrent kicks coalesce; never rejects. */
  kick(): Promise<void> {
    if (!this.running) return this.inFlight ?? Promise.resolve();
    this.again = true;
    this.inFlight ??= this.arm();
    return this.inFlight;
  }

  /** Stops sweeping and waits for the pass in flight. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.all([this.inFlight, this.sweeping]);
  }

  /** One full pass (what the timer runs); exposed for tests and for a final pass. */
  sweep(): Promise<void> {
    this.sweeping ??= this.sweepOnce().finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
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

  private async sweepOnce(): Promise<void> {
    await this.kick();
    if (!this.isRunning()) return;
    try {
      await this.recheck();
    } catch (error) {
      this.reportFailure(error, 'could not re-arm escalation timers; the sweep keeps trying');
    }
    if (!this.isRunning()) return;
    try {
      await this.fireOverdue();
    } catch (error) {
      this.reportFailure(error, 'could not fire overdue escalation timers; the sweep keeps trying');
    }
  }

  private async arm(): Promise<void> {
    try {
      while (this.again && this.isRunning()) {
        this.again = false;
        let batch: ArmableTimer[];
        do {
          batch = await this.options.timers.unarmed(this.batchSize);
          if (batch.length === 0) break;
          await this.options.jobs.add(batch);
          await this.options.timers.markArmed(batch.map((t) => t.id));
          this.recovered();
        } while (batch.length === this.batchSize && this.isRunning());
      }
    } catch (error) {
      this.reportFailure(error, 'could not queue escalation timers; the sweep keeps trying');
    } finally {
      this.inFlight = undefined;
    }
  }

  /**
   * Timers queued a while ago, and every timer queued before this sweep started (by a process
   * that may have died, with a Redis that may have lost its jobs): is their job still there?
   */
  private async recheck(): Promise<void> {
    const before = new Date(
      Math.max(this.startedAt.getTime(), this.now().getTime() - this.recheckAfterMs),
    );
    const stale = await this.options.timers.armedBefore(before, this.batchSize);
    if (stale.length === 0) return;
    const lost: ArmableTimer[] = [];
    for (const timer of stale) {
      const state = await this.options.jobs.state(timer.id);
      if (state === 'live') continue;
      if (state === 'finished') await this.options.jobs.discard(timer.id);
      lost.push(timer);
    }
    if (lost.length > 0) {
      await this.options.jobs.add(lost);
      this.options.logger.warn(
        { timers: lost.length },
        'pending escalation timers had no live job; queued again',
      );
    }
    // Checked timers count as armed now, so the next sweep moves on to the rest.
    await this.options.timers.markArmed(stale.map((t) => t.id));
    this.recovered();
  }

  private async fireOverdue(): Promise<void> {
    const before = new Date(this.now().getTime() - this.overdueAfterMs);
    const overdue = await this.options.timers.overdue(before, this.batchSize);
    for (const timerId of overdue) {
      if (!this.isRunning()) return;
      this.options.logger.warn({ timerId }, 'escalation timer overdue: fired by the sweep');
      await this.options.fire.execute(timerId);
    }
  }

  private reportFailure(error: unknown, message: string): void {
    // One line per outage, not one per sweep.
    if (this.failing) return;
    this.failing = true;
    this.options.logger.error(
      { err: error instanceof Error ? `${error.name}: ${error.message}` : String(error) },
      message,
    );
  }

  private recovered(): void {
    if (!this.failing) return;
    this.failing = false;
    this.options.logger.info({}, 'escalation timers are queued again');
  }
}
