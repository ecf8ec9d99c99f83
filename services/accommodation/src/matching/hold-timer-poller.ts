import type { Logger } from '@harbour/messaging';
import type { DataSource } from 'typeorm';
import type { OfferStore } from '../offers/offer-store';
import type { BedRequestStore } from '../requests/bed-request-store';
import type { OfferRounds } from './offer-rounds';

export interface HoldTimerPollerOptions {
  dataSource: DataSource;
  requests: BedRequestStore;
  offers: OfferStore;
  rounds: OfferRounds;
  logger: Logger;
  pollIntervalMs: number;
  /** Called after each request's timers commit: typically `() => relay.kick()`. */
  afterCommit: () => unknown;
  clock?: () => Date;
  /** Most requests moved on per tick. Default 100. */
  maxPerTick?: number;
}

/**
 * The hold and matching-window timers. They are not rows of their own: an open offer's
 * `hold_expires_at` and an open request's `match_by` ARE the timers. Each tick claims one open
 * request with something due (`FOR UPDATE SKIP LOCKED`), expires its lapsed holds and moves it
 * on (next providers, or unmatched) in the transaction that writes the events — so a timer fires
 * once across restarts and instances, and never in the middle of an answer to the same request.
 */
export class HoldTimerPoller {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private inFlight: Promise<void> | undefined;
  private readonly clock: () => Date;

  constructor(private readonly options: HoldTimerPollerOptions) {
    this.clock = options.clock ?? (() => new Date());
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.arm();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  /** One pass now (tests, or after a change that may already be due); returns requests moved on. */
  async tick(): Promise<number> {
    let moved = 0;
    const max = this.options.maxPerTick ?? 100;
    while (moved < max) {
      const requestId = await this.fireOne();
      if (requestId === undefined) break;
      moved += 1;
    }
    return moved;
  }

  private arm(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.inFlight = this.tick()
        .then(() => undefined)
        .catch((error: unknown) => {
          // Postgres trouble while claiming: nothing changed; the next tick tries again.
          this.options.logger.error({ err: describe(error) }, 'polling hold timers failed');
        })
        .finally(() => {
          this.inFlight = undefined;
          this.arm();
        });
    }, this.options.pollIntervalMs);
    this.timer.unref();
  }

  /** Claims and moves on one due request; undefined when none is due. */
  private async fireOne(): Promise<string | undefined> {
    const { dataSource, requests, offers, rounds, logger } = this.options;
    const now = this.clock();
    let claimed: string | undefined;
    try {
      const expired = await dataSource.transaction(async (manager) => {
        const request = await requests.claimDue(manager, now);
        if (request === undefined) return undefined;
        claimed = request.id;
        const lapsed = (await offers.ofRequest(manager, request.id)).filter(
          (offer) => offer.state === 'offered' && offer.holdExpiresAt.getTime() <= now.getTime(),
        );
        await rounds.endOpenOffers(manager, request, lapsed, 'hold_expired', now);
        await rounds.advance(manager, request, now);
        return lapsed.length;
      });
      if (claimed === undefined) return undefined;
      void this.options.afterCommit();
      logger.info({ requestId: claimed, holdsExpired: expired }, 'bed request timers fired');
      return claimed;
    } catch (error) {
      if (claimed === undefined) throw error;
      // Rolled back: set the request back so the others due after it still move on.
      const attempts = await requests.recordTimerFailure(
        dataSource.manager,
        claimed,
        describe(error),
      );
      logger.error(
        { requestId: claimed, attempts, err: describe(error) },
        'bed request timers failed; retried later',
      );
      return claimed;
    }
  }
}

/** Name and message only: errors here never carry personal data, stacks are not needed. */
function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
