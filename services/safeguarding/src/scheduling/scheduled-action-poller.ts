import type { Logger } from '@harbour/messaging';
import type { DataSource, EntityManager } from 'typeorm';
import type { ScheduledAction, ScheduledActionStore } from './scheduled-action-store';

/**
 * Carries out one claimed action through `manager`, the transaction that marks it fired; returns
 * the alert it raised, if any.
 */
export type FireScheduledAction = (
  action: ScheduledAction,
  manager: EntityManager,
) => Promise<{ alertId?: string }>;

export interface ScheduledActionPollerOptions {
  dataSource: DataSource;
  store: ScheduledActionStore;
  fire: FireScheduledAction;
  logger: Logger;
  /** How often due rows are looked for; `kick()` looks at once. */
  pollIntervalMs: number;
  /** Called after each fired action commits: typically `() => relay.kick()`. */
  afterCommit: () => unknown;
  /** Most actions fired per tick, so one tick never runs unbounded. Default 100. */
  maxPerTick?: number;
  /** Attempts before a failing action is set aside (`failed_at`) for an operator. Default 5. */
  maxAttempts?: number;
}

/**
 * Fires due timers from Postgres. Each action is claimed (`FOR UPDATE SKIP LOCKED`), carried out
 * (events through the outbox) and marked fired in ONE transaction: a crash before commit leaves it
 * due for the next tick, and two instances never fire the same row — exactly once across restarts
 * and instances. This service has no Redis, so a database poller (not BullMQ) runs its timers.
 */
export class ScheduledActionPoller {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private again = false;
  private running = false;
  private readonly maxPerTick: number;
  private readonly maxAttempts: number;

  constructor(private readonly options: ScheduledActionPollerOptions) {
    this.maxPerTick = options.maxPerTick ?? 100;
    this.maxAttempts = options.maxAttempts ?? 5;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule();
  }

  /** Looks for due actions now (after a commit that may have scheduled one already due). */
  kick(): Promise<void> {
    if (!this.running) return this.inFlight ?? Promise.resolve();
    this.again = true;
    this.inFlight ??= this.drain().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** Stops polling and waits for the action in flight. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      void this.kick().then(() => {
        this.schedule();
      });
    }, this.options.pollIntervalMs);
    this.timer.unref();
  }

  /** Single flight: kicks arriving during a drain make it look once more. */
  private async drain(): Promise<void> {
    while (this.again && this.running) {
      this.again = false;
      try {
        await this.fireDue();
      } catch (error) {
        // Postgres trouble while claiming: nothing changed; the next tick tries again.
        this.options.logger.error({ err: describe(error) }, 'polling scheduled actions failed');
      }
    }
  }

  private async fireDue(): Promise<void> {
    for (let fired = 0; fired < this.maxPerTick && this.running; fired += 1) {
      let claimed: ScheduledAction | undefined;
      try {
        claimed = await this.options.dataSource.transaction(async (manager) => {
          const action = await this.options.store.claimNextDue(manager);
          if (action === undefined) return undefined;
          claimed = action;
          const { alertId } = await this.options.fire(action, manager);
          await this.options.store.markFired(manager, action.id, alertId);
          return action;
        });
      } catch (error) {
        if (claimed === undefined) throw error;
        // Rolled back: set the action back (or aside) so the actions due after it still fire.
        await this.recordFailure(claimed, error);
        continue;
      }
      if (claimed === undefined) return;
      void this.options.afterCommit();
      this.options.logger.info(
        { actionId: claimed.id, operationId: claimed.operationId, kind: claimed.kind },
        'scheduled action fired',
      );
    }
  }

  private async recordFailure(action: ScheduledAction, error: unknown): Promise<void> {
    const failed = await this.options.store.recordFailure(
      this.options.dataSource.manager,
      action.id,
      describe(error),
      this.maxAttempts,
    );
    this.options.logger.error(
      {
        actionId: action.id,
        operationId: action.operationId,
        kind: action.kind,
        err: describe(error),
        setAside: failed,
      },
      failed
        ? 'scheduled action failed too often; set aside for an operator'
        : 'scheduled action failed; retried later',
    );
  }
}

/** Name and message only: handler errors never carry personal data, stacks are not needed. */
function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
