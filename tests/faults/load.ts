import { randomBytes, randomUUID } from 'node:crypto';

/** One missing-child report the load sent, and what became of it. */
export interface SentEvent {
  idempotencyKey: string;
  /** When the first attempt left (the clock a partner's wait is measured from). */
  firstAttemptAt: number;
  /** Set once intake answered 202; an event never accepted is not Harbour's to deliver. */
  acceptedAt?: number;
  episodeId?: string;
  attempts: number;
  /** A 4xx answer (the suite's own mistake, never retried): reported, and fails the run. */
  refusedWith?: number;
}

export interface LoadOptions {
  intakeUrl: () => string;
  apiKey: string;
  borough: string;
  /** Events per second, sent on schedule whatever the answers (open loop). */
  ratePerSecond: number;
  /** How long a client keeps retrying one report (same Idempotency-Key) before giving up. */
  retryForMs: number;
}

/**
 * Open-loop load: a missing trafficked child reported every 1/rate seconds, each on its own
 * schedule, never waiting for the previous answer, so a slow or dead service cannot slow the
 * offered load down. A refused or unanswered request is retried with the same Idempotency-Key,
 * as a partner's case system would (a retry that reaches intake twice is replayed, not doubled).
 */
export class MissingChildLoad {
  readonly events: SentEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: LoadOptions) {}

  start(): void {
    const intervalMs = 1000 / this.options.ratePerSecond;
    const startedAt = Date.now();
    let sent = 0;
    // Each tick sends every report whose slot has come, so timer drift never lowers the rate.
    this.timer = setInterval(
      () => {
        const due = Math.floor((Date.now() - startedAt) / intervalMs) + 1;
        for (; sent < due; sent += 1) {
          const sending = this.send().finally(() => this.inFlight.delete(sending));
          this.inFlight.add(sending);
        }
      },
      Math.min(50, intervalMs),
    );
  }

  /** Stops offering new reports and waits for every report in flight to be accepted or given up. */
  async stop(): Promise<SentEvent[]> {
    clearInterval(this.timer);
    await Promise.all([...this.inFlight]);
    return this.events;
  }

  private async send(): Promise<void> {
    const event: SentEvent = {
      idempotencyKey: randomUUID(),
      firstAttemptAt: Date.now(),
      attempts: 0,
    };
    this.events.push(event);
    const body = JSON.stringify(missingChildReport(this.options.borough));
    const giveUpAt = event.firstAttemptAt + this.options.retryForMs;
    while (Date.now() < giveUpAt) {
      event.attempts += 1;
      try {
        const response = await fetch(`${this.options.intakeUrl()}/v1/missing-episodes`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${this.options.apiKey}`,
            'idempotency-key': event.idempotencyKey,
          },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        if (response.status === 202) {
          event.acceptedAt = Date.now();
          event.episodeId = ((await response.json()) as { episodeId: string }).episodeId;
          return;
        }
        await response.body?.cancel();
        // A 4xx other than a rate limit would be the suite's own mistake: retrying cannot help.
        if (response.status < 500 && response.status !== 429 && response.status !== 409) {
          event.refusedWith = response.status;
          return;
        }
      } catch {
        // Connection refused or reset, or a timeout: the service is down; try again shortly.
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/**
 * A child with a trafficking marker reported missing: critical, so the borough's missing-person
 * unit and the child's local authority are alerted. Every child is a different (made-up) person,
 * so no report is linked to another as a repeat episode.
 */
function missingChildReport(borough: string): Record<string, unknown> {
  const tag = randomBytes(4).toString('hex');
  return {
    child: {
      ageYears: 15,
      ageDisputed: false,
      gender: 'female',
      givenName: `Load${tag}`,
      familyName: `Fault${tag}`,
    },
    traffickingMarkers: ['suspected_exploitation'],
    borough,
    riskGrade: 'high',
    lastSeenAt: new Date(Date.now() - 600_000).toISOString(),
    lastSeenLocation: { description: 'near the station' },
    circumstances: 'Did not return to the placement after school.',
  };
}
