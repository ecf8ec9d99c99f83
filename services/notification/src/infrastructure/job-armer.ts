import type { Logger } from '@harbour/platform';
import type { JobState } from 'bullmq';

/** Rows that must each be backed by a BullMQ job (the row is the truth, the job the trigger). */
export interface ArmableRows<T extends { id: string }> {
  /** Rows never queued yet. */
  unarmed(limit: number): Promise<T[]>;
  /** Rows last queued (or checked) before `before`. */
  armedBefore(before: Date, limit: number): Promise<T[]>;
  markArmed(ids: readonly string[]): Promise<void>;
}

export type ArmedJobState = 'live' | 'finished' | 'missing';

/** Job states asked of Redis at once when re-checking. */
const RECHECK_CHUNK = 50;

/** What BullMQ's `getJobState` says, as the armer needs it: will the job still fire? */
export function armedJobStateOf(state: JobState | 'unknown'): ArmedJobState {
  switch (state) {
    case 'unknown':
      return 'missing';
    case 'completed':
    case 'failed':
      return 'finished';
    case 'active':
    case 'delayed':
    case 'prioritized':
    case 'waiting':
    case 'waiting-children':
      return 'live';
  }
}

/** The queue side: job id = row id, so adding twice is harmless. */
export interface ArmableJobs<T> {
  add(items: readonly T[]): Promise<void>;
  state(item: T): Promise<ArmedJobState>;
  discard(item: T): Promise<void>;
}

export interface JobArmerOptions<T extends { id: string }> {
  rows: ArmableRows<T>;
  jobs: ArmableJobs<T>;
  logger: Logger;
  /** What the rows are, for log lines: "deliveries", "escalation timers". */
  what: string;
  /** How often the sweep runs. */
  sweepIntervalMs: number;
  /** A row queued longer ago than this is checked again. Default 30 s. */
  recheckAfterMs?: number;
  /** Also re-check every row queued before this process started (its jobs may be gone). */
  recheckFromStart?: boolean;
  /** Rows handled per batch. Default 200. */
  batchSize?: number;
  /** More work for each sweep, after queuing and re-checking (e.g. firing overdue timers). */
  afterSweep?: () => Promise<void>;
  now?: () => Date;
}

/**
 * Keeps rows backed by queue jobs when the transaction that wrote a row could not include Redis:
 * `kick()` right after a commit queues rows never queued (concurrent kicks coalesce, and it never
 * rejects); a sweep every `sweepIntervalMs` kicks too, and re-checks rows queued a while ago,
 * queuing again any whose job is gone or finished without the row being settled. Failures are
 * logged once per outage and left to the next sweep.
 */
export class JobArmer<T extends { id: string }> {
  private readonly recheckAfterMs: number;
  private readonly batchSize: number;
  private readonly now: () => Date;
  private running = false;
  private startedAt = new Date(0);
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private sweeping: Promise<void> | undefined;
  private again = false;
  private failing = false;

  constructor(private readonly options: JobArmerOptions<T>) {
    this.recheckAfterMs = options.recheckAfterMs ?? 30_000;
    this.batchSize = options.batchSize ?? 200;
    this.now = options.now ?? (() => new Date());
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.startedAt = this.now();
    this.scheduleSweep(0);
  }

  kick(): Promise<void> {
    if (!this.running) return this.inFlight ?? Promise.resolve();
    this.again = true;
    this.inFlight ??= this.drain();
    return this.inFlight;
  }

  /** One full pass (what the timer runs); concurrent calls share it. */
  sweep(): Promise<void> {
    this.sweeping ??= this.sweepOnce().finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
  }

  /** Stops sweeping and waits for the passes in flight. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.all([this.inFlight, this.sweeping]);
  }

  isRunning(): boolean {
    return this.running;
  }

  /** Logs the first failure of an outage (one line per outage, not one per sweep). */
  reportFailure(error: unknown, message: string): void {
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
    this.options.logger.info({}, `queuing ${this.options.what} works again`);
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
      this.reportFailure(
        error,
        `could not re-check queued ${this.options.what}; the sweep keeps trying`,
      );
    }
    if (!this.isRunning() || !this.options.afterSweep) return;
    await this.options.afterSweep();
  }

  private async drain(): Promise<void> {
    try {
      while (this.again && this.isRunning()) {
        this.again = false;
        let batch: T[];
        do {
          batch = await this.options.rows.unarmed(this.batchSize);
          if (batch.length === 0) break;
          await this.options.jobs.add(batch);
          await this.options.rows.markArmed(batch.map((row) => row.id));
          this.recovered();
          this.options.logger.debug(
            { [this.options.what]: batch.length },
            `${this.options.what} queued`,
          );
        } while (batch.length === this.batchSize && this.isRunning());
      }
    } catch (error) {
      this.reportFailure(error, `could not queue ${this.options.what}; the sweep keeps trying`);
    } finally {
      this.inFlight = undefined;
    }
  }

  /** Rows queued a while ago (or before this process started): is their job still there? */
  private async recheck(): Promise<void> {
    const since = this.now().getTime() - this.recheckAfterMs;
    const before = new Date(
      this.options.recheckFromStart ? Math.max(this.startedAt.getTime(), since) : since,
    );
    const stale = await this.options.rows.armedBefore(before, this.batchSize);
    if (stale.length === 0) return;
    const lost: T[] = [];
    // Asked side by side, a chunk at a time: one by one, a backlog of 200 rows cost 200 round
    // trips to Redis in every sweep, just when the service was behind.
    for (let start = 0; start < stale.length; start += RECHECK_CHUNK) {
      const chunk = stale.slice(start, start + RECHECK_CHUNK);
      const states = await Promise.all(chunk.map((row) => this.options.jobs.state(row)));
      const gone = chunk.filter((_, i) => states[i] !== 'live');
      await Promise.all(
        gone
          .filter((row) => states[chunk.indexOf(row)] === 'finished')
          .map((row) => this.options.jobs.discard(row)),
      );
      lost.push(...gone);
    }
    if (lost.length > 0) {
      await this.options.jobs.add(lost);
      this.options.logger.warn(
        { [this.options.what]: lost.length },
        `pending ${this.options.what} had no live job; queued again`,
      );
    }
    // Checked rows count as armed now, so the next sweep moves on to the rest.
    await this.options.rows.markArmed(stale.map((row) => row.id));
    this.recovered();
  }
}
