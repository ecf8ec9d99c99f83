import type { Logger } from '@harbour/platform';
import { JobArmer } from '../infrastructure/job-armer';
import type { EscalationJobs } from './escalation-jobs';
import type { ArmableTimer } from './escalation-timers';

/** What the sweep needs of the timer table. */
export interface PendingTimers {
  unarmed(limit: number): Promise<ArmableTimer[]>;
  armedBefore(before: Date, limit: number): Promise<ArmableTimer[]>;
  overdue(before: Date, limit: number): Promise<string[]>;
  markArmed(timerIds: readonly string[]): Promise<void>;
  /** Cancelled timers still marked queued, and the note that their jobs are gone. */
  disarmable(limit: number): Promise<ArmableTimer[]>;
  markDisarmed(timerIds: readonly string[]): Promise<void>;
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
 * - fires timers overdue with no job having fired them, and
 * - removes the jobs of timers cancelled since (an acknowledgement, a closure, a supersession).
 * Firing is exactly-once in Postgres, so a sweep racing a job, or several replicas sweeping,
 * escalate once.
 */
export class EscalationSweep {
  private readonly overdueAfterMs: number;
  private readonly now: () => Date;
  private readonly batchSize: number;
  private readonly armer: JobArmer<ArmableTimer>;
  private disarming: Promise<void> | undefined;

  constructor(private readonly options: EscalationSweepOptions) {
    this.overdueAfterMs = options.overdueAfterMs ?? 1_000;
    this.now = options.now ?? (() => new Date());
    this.batchSize = options.batchSize ?? 200;
    const jobs = options.jobs;
    this.armer = new JobArmer<ArmableTimer>({
      rows: options.timers,
      jobs: {
        add: (timers) => jobs.add(timers),
        state: (timer) => jobs.state(timer.id),
        discard: (timer) => jobs.discard(timer.id),
      },
      logger: options.logger,
      what: 'escalation timers',
      sweepIntervalMs: options.sweepIntervalMs,
      recheckFromStart: true,
      afterSweep: () => this.fireOverdueSafely(),
      ...(options.recheckAfterMs === undefined ? {} : { recheckAfterMs: options.recheckAfterMs }),
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
      ...(options.now === undefined ? {} : { now: options.now }),
    });
  }

  start(): void {
    this.armer.start();
  }

  /** Queues never-queued pending timers now. Concurrent kicks coalesce; never rejects. */
  kick(): Promise<void> {
    return this.armer.kick();
  }

  /** One full pass (what the timer runs); exposed for tests and for a final pass. */
  sweep(): Promise<void> {
    return this.armer.sweep();
  }

  /** Stops sweeping and waits for the passes in flight. */
  async stop(): Promise<void> {
    await this.armer.stop();
    await this.disarming;
  }

  /**
   * Removes the queue jobs of cancelled timers, so nothing is left to fire. Call after a
   * transaction that cancelled timers has committed; the sweep does it too. Never rejects.
   */
  async disarm(): Promise<void> {
    if (!this.armer.isRunning()) return;
    this.disarming ??= this.disarmCancelled()
      .catch((error: unknown) => {
        this.armer.reportFailure(
          error,
          'could not remove the jobs of cancelled escalation timers; the sweep keeps trying',
        );
      })
      .finally(() => {
        this.disarming = undefined;
      });
    return this.disarming;
  }

  private async disarmCancelled(): Promise<void> {
    let batch: ArmableTimer[];
    do {
      batch = await this.options.timers.disarmable(this.batchSize);
      const gone: string[] = [];
      for (const timer of batch) {
        await this.options.jobs.discard(timer.id);
        // A job being run right now is locked and stays; it finds its timer cancelled and ends.
        if ((await this.options.jobs.state(timer.id)) !== 'live') gone.push(timer.id);
      }
      await this.options.timers.markDisarmed(gone);
      if (gone.length < batch.length) return;
    } while (batch.length === this.batchSize && this.armer.isRunning());
  }

  private async fireOverdueSafely(): Promise<void> {
    await this.disarm();
    try {
      await this.fireOverdue();
    } catch (error) {
      this.armer.reportFailure(
        error,
        'could not fire overdue escalation timers; the sweep keeps trying',
      );
    }
  }

  private async fireOverdue(): Promise<void> {
    const before = new Date(this.now().getTime() - this.overdueAfterMs);
    const overdue = await this.options.timers.overdue(before, this.batchSize);
    for (const timerId of overdue) {
      if (!this.armer.isRunning()) return;
      this.options.logger.warn({ timerId }, 'escalation timer overdue: fired by the sweep');
      await this.options.fire.execute(timerId);
    }
  }
}
